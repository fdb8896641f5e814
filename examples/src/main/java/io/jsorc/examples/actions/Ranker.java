package io.jsorc.examples.actions;

import io.jsorc.action.Action;
import io.jsorc.action.ActionModule;

import java.util.List;

/** Medium: scores a vector against a few labels. */
@ActionModule("ranker")
public class Ranker {

    /**
     * Scores a vector against the labels.
     *
     * @param vector an embedding
     * @return the index of the best label
     */
    @Action
    public int rank(List<Double> vector) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int label = 0; label < 64; label++) {
            double score = 0;
            for (int i = 0; i < vector.size(); i++) {
                score += vector.get(i) * Math.cos(label * 0.1 + i);
            }
            if (score > bestScore) {
                bestScore = score;
                best = label;
            }
        }
        return best;
    }
}
