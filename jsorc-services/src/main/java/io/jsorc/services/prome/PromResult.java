package io.jsorc.services.prome;

import java.util.List;
import java.util.Map;

/**
 * A query result, typed by Prometheus' {@code resultType}.
 *
 * @param type    {@code vector}, {@code matrix}, {@code scalar} or {@code string}
 * @param vector  vector samples (empty otherwise)
 * @param matrix  matrix series (empty otherwise)
 * @param scalar  the scalar value, or {@code NaN}
 */
public record PromResult(String type, List<Sample> vector, List<Series> matrix, double scalar) {

    /** Copies. */
    public PromResult {
        vector = List.copyOf(vector);
        matrix = List.copyOf(matrix);
    }

    /**
     * One instant sample.
     *
     * @param metric    its labels
     * @param timestamp seconds since the epoch
     * @param value     its value
     */
    public record Sample(Map<String, String> metric, double timestamp, double value) { }

    /**
     * One range series.
     *
     * @param metric its labels
     * @param values (timestamp seconds, value) pairs
     */
    public record Series(Map<String, String> metric, List<double[]> values) { }

    /** {@return whether the result holds no sample} */
    public boolean isEmpty() {
        return vector.isEmpty() && matrix.isEmpty() && Double.isNaN(scalar);
    }
}
