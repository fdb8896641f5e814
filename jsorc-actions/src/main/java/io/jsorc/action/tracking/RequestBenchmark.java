package io.jsorc.action.tracking;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records request latencies the host marks with {@link io.jsorc.action.ActionManager#request}, per request type and
 * name (and {@code all} per type), in HdrHistograms (microsecond resolution, 3 significant digits): memory stays
 * bounded however long it runs.
 *
 * <p>Internal to the action manager; public only so that {@code io.jsorc.action} can use it.
 */
public final class RequestBenchmark {

    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

    private final Map<String, Map<String, Histogram>> histograms = new ConcurrentHashMap<>();
    private volatile boolean active;
    private volatile long startedNanos;

    /** Builds a benchmark that is not recording. */
    public RequestBenchmark() {
    }

    /** Starts recording, clearing earlier latencies. */
    public synchronized void start() {
        histograms.clear();
        startedNanos = System.nanoTime();
        active = true;
    }

    /**
     * Tells whether it is recording.
     *
     * @return whether it is
     */
    public boolean active() {
        return active;
    }

    /**
     * Records one request while recording.
     *
     * @param type  the request type
     * @param name  the request name
     * @param nanos its latency
     */
    public void record(String type, String name, long nanos) {
        if (!active) {
            return;
        }
        long micros = Math.max(1, Math.min(HIGHEST_MICROS, nanos / 1_000));
        Map<String, Histogram> byName = histograms.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
        byName.computeIfAbsent(name, n -> new ConcurrentHistogram(HIGHEST_MICROS, 3)).recordValue(micros);
        byName.computeIfAbsent("all", n -> new ConcurrentHistogram(HIGHEST_MICROS, 3)).recordValue(micros);
    }

    /**
     * Reports what was recorded since {@link #start()}.
     *
     * @return per type, per name (and {@code all}): count, throughput (req/s since start), average and percentiles
     * (ms); empty when not recording
     */
    public Map<String, Object> report() {
        if (!active) {
            return Map.of();
        }
        double seconds = Math.max(1e-9, (System.nanoTime() - startedNanos) / 1e9);
        Map<String, Object> out = new TreeMap<>();
        histograms.forEach((type, byName) -> {
            Map<String, Object> names = new TreeMap<>();
            byName.forEach((name, histogram) -> names.put(name, stats(histogram.copy(), seconds)));
            out.put(type, names);
        });
        return out;
    }

    /**
     * Stops recording.
     *
     * @param report whether to return the report
     * @return the report (or empty); empty when it was not recording
     */
    public synchronized Map<String, Object> stop(boolean report) {
        if (!active) {
            return Map.of();
        }
        Map<String, Object> result = report ? report() : Map.of();
        active = false;
        histograms.clear();
        return result;
    }

    private static Map<String, Object> stats(Histogram histogram, double seconds) {
        Map<String, Object> stats = new LinkedHashMap<>();
        long count = histogram.getTotalCount();
        stats.put("count", count);
        stats.put("throughput", count / seconds);
        stats.put("average", count == 0 ? 0.0 : histogram.getMean() / 1000.0);
        stats.put("50", histogram.getValueAtPercentile(50) / 1000.0);
        stats.put("90", histogram.getValueAtPercentile(90) / 1000.0);
        stats.put("95", histogram.getValueAtPercentile(95) / 1000.0);
        stats.put("99", histogram.getValueAtPercentile(99) / 1000.0);
        return stats;
    }
}
