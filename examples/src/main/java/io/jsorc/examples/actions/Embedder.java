package io.jsorc.examples.actions;

import io.jsorc.action.Action;
import io.jsorc.action.ActionModule;

import java.util.List;

/** Costly and big (a model's weights): turns tokens into a vector. */
@ActionModule("embedder")
public class Embedder {

    private final float[] weights = new float[8 * 1024 * 1024]; // 32 MB, as a model would hold

    /** Fills the "model". */
    public Embedder() {
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) Math.sin(i);
        }
    }

    /**
     * Turns tokens into a vector.
     *
     * @param tokens tokens
     * @return a 16-dimensional embedding
     */
    @Action
    public double[] embed(List<String> tokens) {
        double[] vector = new double[16];
        for (String token : tokens) {
            int h = token.hashCode();
            for (int round = 0; round < 2_000; round++) {
                int index = Math.floorMod(h * 31 + round * 7919, weights.length);
                vector[round % 16] += weights[index];
            }
        }
        return vector;
    }
}
