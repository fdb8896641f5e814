package io.jsorc.action.policy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates placements like {@link EvaluationPolicy}, with fewer moves and evaluations: candidates in Gray-code
 * order (consecutive placements differ by one module, so each switch moves one module); a placement whose local set is a strict subset of one already measured is skipped (moving more
 * modules away cannot beat it); after settling, a new evaluation starts only when the request latency drifts more than
 * {@code drift} (default 20 %) from the settled one; local memory is the module's measured heap growth at load where
 * known, else the declared {@code local_mem_mb}.
 */
public final class AdaptivePolicy extends EvaluationPolicy {

    private volatile double settledLatency = Double.NaN;

    /**
     * Builds the policy; it evaluates once, then only on drift.
     *
     * @param params as {@link EvaluationPolicy}, plus {@code drift} (a fraction, default 0.2)
     */
    public AdaptivePolicy(Map<String, Object> params) {
        super(params);
    }

    @Override
    public String name() {
        return "Adaptive";
    }

    @Override
    protected boolean grayOrder() {
        return true;
    }

    @Override
    protected int next(int current) {
        int next = current + 1;
        while (next < candidateCount() && dominated(candidate(next))) {
            next++;
        }
        return next;
    }

    private boolean dominated(Set<String> local) {
        for (Set<String> measured : results.keySet()) {
            if (measured.containsAll(local) && measured.size() > local.size()) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected boolean shouldEvaluate(PlacementControl control) {
        if (Double.isNaN(settledLatency)) {
            return true; // never evaluated
        }
        double now = Placements.meanLatency(control.benchmarkReport());
        control.benchmarkStart(); // next window
        double drift = number(params, "drift", 0.2);
        return !Double.isNaN(now) && Math.abs(now - settledLatency) > drift * settledLatency;
    }

    @Override
    protected void settled(PlacementControl control, double latency) {
        settledLatency = latency;
        control.benchmarkStart(); // the performance phase watches for drift
    }

    @Override
    protected Map<String, Long> memory(PlacementControl control) {
        Map<String, Long> memory = new LinkedHashMap<>();
        for (String module : control.loadedModules()) {
            long measured = control.measuredMemoryMb(module);
            memory.put(module, measured > 0 ? measured : control.declaredMemoryMb(module));
        }
        return memory;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> out = super.parameters();
        out.put("settled_latency_ms", settledLatency);
        return out;
    }
}
