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
 * name (and {@code all} per type), in HdrHistograms (microsecond resolution, 2 significant digits): memory stays
 * bounded however long it runs and however many names it sees (at most {@value #MAX_HISTOGRAMS} histograms).
 *
 * <p>Internal to the action manager; public only so that {@code io.jsorc.action} can use it.
 */
public final class RequestBenchmark {

    /** How many distinct request names (over all types) are kept apart by default; later ones count as "other". */
    public static final int DEFAULT_MAX_NAMES = 1_000;
    /** The name (and type) that requests beyond the cap are counted under. */
    public static final String OTHER = "other";
    /** The report's key that says the cap was reached, present only then. */
    public static final String LIMITS_KEY = "_limits";

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RequestBenchmark.class);
    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    /** Significant digits of each histogram: 1% resolution, ~50 KB each over the hour range (3 digits took ~0.4 MB). */
    private static final int DIGITS = 2;
    /**
     * How many histograms may exist at once (each type's names and its {@code all}); beyond it a request counts under
     * type and name {@value #OTHER}: at most ~25 MB, however types and names combine.
     */
    public static final int MAX_HISTOGRAMS = 512;

    private final Map<String, Map<String, Histogram>> histograms = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger histogramCount = new java.util.concurrent.atomic.AtomicInteger();
    /** Every name (and type) ever seen stays here, so names and metric labels stay bounded. */
    private final Map<String, Boolean> known = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong lumped = new java.util.concurrent.atomic.AtomicLong();
    private final int maxNames;
    private volatile boolean active;
    private volatile long startedNanos;

    /** Builds a benchmark that is not recording, keeping {@value #DEFAULT_MAX_NAMES} names apart. */
    public RequestBenchmark() {
        this(DEFAULT_MAX_NAMES);
    }

    /**
     * Builds a benchmark that is not recording.
     *
     * @param maxNames how many distinct type and name strings are kept apart; later ones count as {@value #OTHER}
     */
    public RequestBenchmark(int maxNames) {
        if (maxNames < 1) {
            throw new IllegalArgumentException("maxNames must be at least 1, is " + maxNames);
        }
        this.maxNames = maxNames;
    }

    /**
     * Returns the name a request is recorded and reported under: itself while fewer than the cap of distinct names
     * were seen, else {@value #OTHER}. Hosts that put ids into request names would otherwise grow one histogram and
     * one metric label per id.
     *
     * @param name a request type or name
     * @return the name to use
     */
    public String bounded(String name) {
        if (name == null) {
            return OTHER;
        }
        if (known.containsKey(name)) {
            return name;
        }
        synchronized (known) {
            if (known.containsKey(name)) {
                return name;
            }
            if (known.size() < maxNames) {
                known.put(name, Boolean.TRUE);
                return name;
            }
        }
        if (lumped.getAndIncrement() == 0) {
            log.warn("More than {} distinct request names: later ones are counted as '{}' (the benchmark report "
                    + "says so under {})", maxNames, OTHER, LIMITS_KEY);
        }
        return OTHER;
    }

    /** Starts recording, clearing earlier latencies. */
    public synchronized void start() {
        histograms.clear();
        histogramCount.set(0);
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
        String boundedType = bounded(type);
        String boundedName = bounded(name);
        Map<String, Histogram> byName = histograms.get(boundedType);
        Histogram named = byName == null ? null : byName.get(boundedName);
        Histogram all = byName == null ? null : byName.get("all");
        if (named == null || all == null) {
            if (histogramCount.get() >= MAX_HISTOGRAMS - 2) {
                boundedType = OTHER; // the one place left for every later combination
                boundedName = OTHER;
                lumped.incrementAndGet();
            }
            byName = histograms.computeIfAbsent(boundedType, t -> new ConcurrentHashMap<>());
            named = byName.computeIfAbsent(boundedName, n -> newHistogram());
            all = byName.computeIfAbsent("all", n -> newHistogram());
        }
        named.recordValue(micros);
        all.recordValue(micros);
    }

    private Histogram newHistogram() {
        histogramCount.incrementAndGet();
        return new ConcurrentHistogram(HIGHEST_MICROS, DIGITS);
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
        long over = lumped.get();
        if (over > 0) {
            out.put(LIMITS_KEY, Map.of("max_names", maxNames, "requests_counted_as_other", over,
                    "note", "request names beyond the first " + maxNames + " are counted as '" + OTHER + "'"));
        }
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
        // The original's names for the same figures (what its clients and the admin API read).
        stats.put("average_latency", stats.get("average"));
        for (String percentile : new String[] {"50", "90", "95", "99"}) {
            stats.put(percentile + "th_latency", stats.get(percentile));
        }
        return stats;
    }
}
