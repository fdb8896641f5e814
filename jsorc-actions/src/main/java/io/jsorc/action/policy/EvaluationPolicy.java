package io.jsorc.action.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures every feasible placement and keeps the fastest: after a performance phase ({@code perf_phase} s, default
 * 100) it enumerates the feasible placements of the loaded modules (local memory {@code jsorc_mem_mb +
 * sum(local_mem_mb)} under 80 % of {@code node_mem_mb}), all-local first, applies each for {@code eval_phase} s
 * (default 10) while benchmarking request latency, keeps the fastest, and doubles {@code perf_phase} when the best
 * equals the previous best. Moving a module to remote keeps its local copy until the remote is READY.
 */
public class EvaluationPolicy implements PlacementPolicy {

    private enum Phase { PERF, EVAL }

    /** The parameters. */
    protected final Map<String, Object> params;
    private Phase phase = Phase.PERF;
    private long phaseStart = System.nanoTime();
    private double perfPhaseSeconds;
    private final double evalPhaseSeconds;
    private List<String> modules = List.of();
    private List<Set<String>> candidates = List.of();
    private int index;
    /** Measured mean request latency (ms) per placement in the current evaluation. */
    /** Written by the policy's daemon, read by {@link #parameters()} on any thread: iterate it under its lock. */
    protected final Map<Set<String>, Double> results = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile Set<String> best;
    private Set<String> previousBest;
    private volatile int evaluations;

    /**
     * Builds the policy; it starts in its performance phase.
     *
     * @param params {@code perf_phase}, {@code eval_phase}, {@code node_mem_mb}, {@code jsorc_mem_mb}
     */
    public EvaluationPolicy(Map<String, Object> params) {
        this.params = new LinkedHashMap<>(params);
        this.perfPhaseSeconds = number(params, "perf_phase", 100);
        this.evalPhaseSeconds = number(params, "eval_phase", 10);
    }

    @Override
    public String name() {
        return "Evaluation";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> out = new LinkedHashMap<>(params);
        out.put("perf_phase", perfPhaseSeconds);
        out.put("phase", phase.name());
        out.put("evaluations", evaluations);
        out.put("best", best == null ? null : Placements.describe(modules, best));
        Map<String, Object> measured = new LinkedHashMap<>();
        synchronized (results) {
            results.forEach((local, latency) -> measured.put(Placements.describe(modules, local).toString(), latency));
        }
        out.put("results", measured);
        return out;
    }

    /**
     * Reads the best placement found so far.
     *
     * @return its local set, or {@code null}
     */
    public Set<String> best() {
        return best;
    }

    /**
     * Counts the finished evaluations.
     *
     * @return how many full evaluations have finished
     */
    public int evaluations() {
        return evaluations;
    }

    @Override
    public void tick(PlacementControl control) throws InterruptedException {
        double elapsed = (System.nanoTime() - phaseStart) / 1e9;
        if (phase == Phase.PERF) {
            if (elapsed < perfPhaseSeconds) {
                return;
            }
            if (!shouldEvaluate(control)) {
                // No drift over this performance phase: the next check judges a whole phase again (left as it was,
                // every tick checked a 200 ms window and re-evaluated on its noise).
                phaseStart = System.nanoTime();
                return;
            }
            modules = new ArrayList<>(control.loadedModules());
            if (modules.isEmpty()) {
                phaseStart = System.nanoTime();
                return;
            }
            try {
                candidates = Placements.feasible(modules, memory(control), (long) number(params, "jsorc_mem_mb",
                        usedHeapMb()), (long) number(params, "node_mem_mb", Runtime.getRuntime().maxMemory() >> 20),
                        grayOrder());
            } catch (RuntimeException tooMany) {
                phaseStart = System.nanoTime(); // judged again after a whole phase, not at the next tick
                throw tooMany;
            }
            if (candidates.isEmpty()) {
                phaseStart = System.nanoTime();
                return;
            }
            results.clear();
            index = 0;
            startCandidate(control);
            return;
        }
        if (elapsed < evalPhaseSeconds) {
            return;
        }
        results.put(candidates.get(index), Placements.meanLatency(control.benchmarkStop(true)));
        index = next(index);
        if (index < candidates.size()) {
            startCandidate(control);
            return;
        }
        Set<String> winner = null;
        synchronized (results) {
            for (Map.Entry<Set<String>, Double> result : results.entrySet()) {
                if (!result.getValue().isNaN() && (winner == null || result.getValue() < results.get(winner))) {
                    winner = result.getKey();
                }
            }
        }
        try {
            if (winner != null) {
                control.place(modules, winner);
                if (winner.equals(previousBest)) {
                    perfPhaseSeconds *= 2;
                }
                previousBest = winner;
                best = winner;
            }
            evaluations++;
            settled(control, winner == null ? Double.NaN : results.get(winner));
        } finally {
            // Even when the winner's move failed (its remote did not start, say): the evaluation is over, and the next
            // one comes after a performance phase. Left in EVAL, every tick would read past the last candidate.
            phase = Phase.PERF;
            phaseStart = System.nanoTime();
        }
    }

    /**
     * Applies the current candidate and measures it for an evaluation phase. The phase is entered before the move:
     * a candidate whose move fails is measured as nothing (no latency, so it never wins) and the evaluation goes on
     * with the next one after the phase, instead of the same move being retried at every tick.
     */
    private void startCandidate(PlacementControl control) throws InterruptedException {
        phase = Phase.EVAL;
        phaseStart = System.nanoTime();
        // Nothing recorded before the move counts for it (Adaptive keeps a window open through its performance
        // phase): a move that throws leaves the benchmark stopped, so the candidate is measured as nothing.
        control.benchmarkStop(false);
        control.place(modules, candidates.get(index));
        control.benchmarkStart();
    }

    /** {@return whether candidates come in Gray-code order (Evaluation: no, most-local first)} */
    protected boolean grayOrder() {
        return false;
    }

    /** {@return the index of the next candidate to measure (Evaluation: every one)} */
    protected int next(int current) {
        return current + 1;
    }

    /** {@return the local set of candidate {@code i}} */
    protected Set<String> candidate(int i) {
        return candidates.get(i);
    }

    /** {@return how many candidates there are} */
    protected int candidateCount() {
        return candidates.size();
    }

    /** {@return whether a performance phase should end in an evaluation (Evaluation: always)} */
    protected boolean shouldEvaluate(PlacementControl control) {
        return true;
    }

    /** Called when an evaluation ends with the winner's latency. */
    protected void settled(PlacementControl control, double latency) {
    }

    /** {@return local memory per module (Evaluation: the declared {@code local_mem_mb})} */
    protected Map<String, Long> memory(PlacementControl control) {
        Map<String, Long> memory = new LinkedHashMap<>();
        modules.forEach(m -> memory.put(m, control.declaredMemoryMb(m)));
        return memory;
    }

    static long usedHeapMb() {
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) >> 20;
    }

    /**
     * Reads a numeric policy parameter.
     *
     * @param params   the parameters
     * @param key      the parameter's name
     * @param fallback the value when it is absent
     * @return its value
     * @throws IllegalArgumentException when it is not a number {@code >= 0}
     */
    public static double number(Map<String, Object> params, String key, double fallback) {
        Object value = params.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number n && n.doubleValue() >= 0) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("Policy parameter " + key + " must be a number >= 0, is " + value);
    }
}
