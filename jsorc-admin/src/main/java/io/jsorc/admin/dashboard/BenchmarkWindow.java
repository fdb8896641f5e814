package io.jsorc.admin.dashboard;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects one second of host requests (per type) and action calls (per module), and turns them into the
 * once-a-second benchmark snapshot: count, throughput and p50/p90/p99 latency per request type, calls/s and mean
 * latency per module and placement. Bounded: at most {@value #MAX_KEYS} types and modules (more are counted under
 * {@code other}), and at most {@value #MAX_SAMPLES} latencies kept per type and second (a uniform sample beyond).
 * Thread-safe; recording takes a short lock.
 */
final class BenchmarkWindow {

    /** The most request types or modules tracked per second. */
    static final int MAX_KEYS = 64;
    /** The most latencies kept per request type and second. */
    static final int MAX_SAMPLES = 4096;

    /** One request type's second. */
    private static final class Latencies {
        long count;
        long[] samples = new long[64];
        int size;
        long seed = 0x9E3779B97F4A7C15L;

        void add(long nanos) {
            count++;
            if (size < MAX_SAMPLES) {
                if (size == samples.length) {
                    samples = Arrays.copyOf(samples, Math.min(MAX_SAMPLES, size * 2));
                }
                samples[size++] = nanos;
            } else {
                // reservoir sampling: every request of the second has the same chance to be kept
                seed ^= seed << 13;
                seed ^= seed >>> 7;
                seed ^= seed << 17;
                long slot = Math.floorMod(seed, count);
                if (slot < MAX_SAMPLES) {
                    samples[(int) slot] = nanos;
                }
            }
        }
    }

    /** One module-and-placement's second. */
    private static final class Calls {
        long count;
        long failed;
        long nanos;
    }

    private Map<String, Latencies> requests = new TreeMap<>();
    private Map<String, Calls> calls = new TreeMap<>();

    synchronized void request(String type, long nanos) {
        String key = requests.containsKey(type) || requests.size() < MAX_KEYS ? type : "other";
        requests.computeIfAbsent(key, k -> new Latencies()).add(nanos);
    }

    synchronized void call(String module, String mode, boolean success, long nanos) {
        String key = module + "|" + mode;
        key = calls.containsKey(key) || calls.size() < MAX_KEYS ? key : "other|" + mode;
        Calls c = calls.computeIfAbsent(key, k -> new Calls());
        c.count++;
        c.nanos += nanos;
        if (!success) {
            c.failed++;
        }
    }

    /**
     * Closes the current second and describes it.
     *
     * @param ts      the second's end, epoch milliseconds
     * @param seconds how long the window was open (about 1)
     * @return {@code {ts, requests: {type: {count, throughput, p50, p90, p99}}, actions: {module: {mode: {calls,
     * calls_per_s, mean_ms, failed}}}}}
     */
    Map<String, Object> roll(long ts, double seconds) {
        Map<String, Latencies> closedRequests;
        Map<String, Calls> closedCalls;
        synchronized (this) {
            closedRequests = requests;
            closedCalls = calls;
            requests = new TreeMap<>();
            calls = new TreeMap<>();
        }
        Map<String, Object> byType = new LinkedHashMap<>();
        closedRequests.forEach((type, latencies) -> {
            long[] sorted = Arrays.copyOf(latencies.samples, latencies.size);
            Arrays.sort(sorted);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("count", latencies.count);
            entry.put("throughput", round(latencies.count / seconds));
            entry.put("p50", millis(percentile(sorted, 0.50)));
            entry.put("p90", millis(percentile(sorted, 0.90)));
            entry.put("p99", millis(percentile(sorted, 0.99)));
            byType.put(type, entry);
        });
        Map<String, Map<String, Object>> byModule = new TreeMap<>();
        closedCalls.forEach((key, c) -> {
            int bar = key.indexOf('|');
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("calls", c.count);
            entry.put("calls_per_s", round(c.count / seconds));
            entry.put("mean_ms", millis(c.count == 0 ? 0 : c.nanos / c.count));
            entry.put("failed", c.failed);
            byModule.computeIfAbsent(key.substring(0, bar), k -> new LinkedHashMap<>()).put(key.substring(bar + 1),
                    entry);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ts", ts);
        out.put("requests", byType);
        out.put("actions", byModule);
        return out;
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1000.0) / 1000.0;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
