package io.jsorc.action.policy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A move that fails (a remote that did not start, a local load that threw) ends neither the policy nor its
 * evaluation: a failed candidate is measured as nothing, and a failed final move still ends the evaluation.
 */
class EvaluationMoveFailureTest {

    /**
     * Two loaded modules; each move is recorded, and the moves listed in {@link #failing} throw. The benchmark
     * reports the placement in place (the fewer modules local, the faster) when it was started.
     */
    private static final class MovingControl implements PlacementControl {
        final List<Set<String>> moves = new ArrayList<>();
        /** The indexes (0-based, over all moves) of the moves that throw. */
        final Set<Integer> failing;
        private Set<String> local = Set.of("a", "b");

        MovingControl(Set<Integer> failing) {
            this.failing = failing;
        }

        @Override
        public List<String> loadedModules() {
            return List.of("a", "b");
        }

        @Override
        public Map<String, String> placements() {
            return Map.of();
        }

        @Override
        public long declaredMemoryMb(String module) {
            return 0;
        }

        @Override
        public long measuredMemoryMb(String module) {
            return 0;
        }

        @Override
        public void place(List<String> modules, Set<String> local) {
            int move = moves.size();
            moves.add(local);
            if (failing.contains(move)) {
                throw new IllegalStateException("move " + move + " to local " + local
                        + " failed: remote did not start");
            }
            this.local = local;
        }

        /** Whether the benchmark records: a test sets it to stand for a window left open (Adaptive's). */
        boolean benchmarking;

        @Override
        public void benchmarkStart() {
            benchmarking = true;
        }

        @Override
        public Map<String, Object> benchmarkReport() {
            return Map.of();
        }

        /** 10 ms plus 1 per local module, when the benchmark was started; nothing otherwise. */
        @Override
        public Map<String, Object> benchmarkStop(boolean report) {
            boolean measured = benchmarking;
            benchmarking = false;
            return measured ? Map.of("calc", Map.of("all", Map.of("count", 10L, "average", 10.0 + local.size())))
                    : Map.of();
        }
    }

    private static final Map<String, Object> EVERY_TICK = Map.of("perf_phase", 0, "eval_phase", 0,
            "node_mem_mb", 1_000_000, "jsorc_mem_mb", 0);

    @Test
    void aWinnerWhoseMoveFailsEndsTheEvaluationAndTheNextOneComes() throws Exception {
        EvaluationPolicy policy = new EvaluationPolicy(EVERY_TICK);
        MovingControl control = new MovingControl(Set.of(4)); // 4 candidates (moves 0-3), then the winner's move
        for (int tick = 0; tick < 4; tick++) {
            policy.tick(control);
        }
        assertThat(control.moves).hasSize(4);
        assertThatThrownBy(() -> policy.tick(control)).hasMessageContaining("move 4");
        assertThat(policy.parameters()).containsEntry("phase", "PERF");
        policy.tick(control); // a new evaluation starts: its first candidate
        policy.tick(control);
        assertThat(control.moves).as("the next evaluation moves again: its first two candidates").hasSize(7);
        assertThat(policy.parameters()).containsEntry("phase", "EVAL");
    }

    @Test
    void aCandidateWhoseMoveFailsIsNotCreditedWithAWindowLeftOpenBeforeIt() throws Exception {
        EvaluationPolicy policy = new EvaluationPolicy(EVERY_TICK);
        MovingControl control = new MovingControl(Set.of(0));
        control.benchmarking = true; // Adaptive watches for drift through its performance phase
        assertThatThrownBy(() -> policy.tick(control)).hasMessageContaining("move 0");
        policy.tick(control); // ends the failed candidate's phase
        assertThat(policy.results.get(Set.of("a", "b"))).as("measured as nothing, not as the placement before it")
                .isNaN();
    }

    @Test
    void aCandidateWhoseMoveFailsIsNotMovedAgainAtEveryTick() throws Exception {
        // An evaluation phase of an hour: the failed candidate waits it out like any other, measured as nothing.
        Map<String, Object> params = new java.util.HashMap<>(EVERY_TICK);
        params.put("eval_phase", 3600);
        EvaluationPolicy policy = new EvaluationPolicy(params);
        MovingControl control = new MovingControl(Set.of(0, 1, 2, 3, 4, 5)); // its remote never starts
        assertThatThrownBy(() -> policy.tick(control)).hasMessageContaining("move 0");
        for (int tick = 0; tick < 5; tick++) {
            policy.tick(control);
        }
        assertThat(control.moves).as("one move, not one per tick").hasSize(1);
        assertThat(policy.parameters()).containsEntry("phase", "EVAL");
    }
}
