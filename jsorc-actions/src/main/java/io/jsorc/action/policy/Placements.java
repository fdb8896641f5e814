package io.jsorc.action.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Enumerates and describes placement configurations of a set of modules: which run locally (the rest remotely), and their memory. */
final class Placements {

    private Placements() {
    }

    /**
     * Every assignment of the modules whose local memory ({@code jsorcMemMb + sum(local_mem_mb)}) stays under 80 % of
     * {@code nodeMemMb}, all-local first, then in Gray-code order when {@code gray} (consecutive ones differ by one
     * module), else by descending number of local modules.
     */
    /** The most modules a policy evaluates: every split of them is a candidate. */
    static final int MAX_MODULES = 16;

    static List<Set<String>> feasible(List<String> modules, Map<String, Long> localMemMb, long jsorcMemMb,
                                      long nodeMemMb, boolean gray) {
        int n = modules.size();
        if (n > MAX_MODULES) {
            // Every local/remote split is a candidate: 2^n of them (and 1 << 31 overflows).
            throw new IllegalArgumentException("A placement policy evaluates every local/remote split of the loaded "
                    + "modules: at most " + MAX_MODULES + " modules (" + (1 << MAX_MODULES) + " splits), but " + n
                    + " are loaded; place the others by hand (Default policy)");
        }
        List<Set<String>> all = new ArrayList<>();
        for (int i = 0; i < (1 << n); i++) {
            int code = gray ? i ^ (i >> 1) : i;
            Set<String> local = new LinkedHashSet<>();
            for (int m = 0; m < n; m++) {
                // bit set = remote, so code 0 (the first) is all-local
                if ((code & (1 << m)) == 0) {
                    local.add(modules.get(m));
                }
            }
            all.add(local);
        }
        if (!gray) {
            all.sort((a, b) -> Integer.compare(b.size(), a.size()));
        }
        List<Set<String>> feasible = new ArrayList<>();
        for (Set<String> local : all) {
            long memory = jsorcMemMb;
            for (String module : local) {
                memory += localMemMb.getOrDefault(module, 0L);
            }
            if (memory < nodeMemMb * 0.8) {
                feasible.add(Collections.unmodifiableSet(local));
            }
        }
        return feasible;
    }

    /** {@return module -> "local"/"remote" for a local set} */
    static Map<String, String> describe(List<String> modules, Set<String> local) {
        Map<String, String> out = new LinkedHashMap<>();
        modules.forEach(m -> out.put(m, local.contains(m) ? "local" : "remote"));
        return out;
    }

    /**
     * Reads the mean latency over all requests of a benchmark report.
     *
     * @param report a benchmark report
     * @return the mean request latency over every type (ms), or NaN when there was no request
     */
    @SuppressWarnings("unchecked")
    static double meanLatency(Map<String, Object> report) {
        double total = 0;
        long count = 0;
        for (Object byName : report.values()) {
            Object all = ((Map<String, Object>) byName).get("all");
            if (all instanceof Map<?, ?> stats) {
                long n = ((Number) stats.get("count")).longValue();
                total += ((Number) stats.get("average")).doubleValue() * n;
                count += n;
            }
        }
        return count == 0 ? Double.NaN : total / count;
    }
}
