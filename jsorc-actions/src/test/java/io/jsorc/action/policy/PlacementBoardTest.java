package io.jsorc.action.policy;

import io.jsorc.config.MemoryHook;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The board replicas share placement on: policy choices numbered, placements bounded, junk ignored. */
class PlacementBoardTest {

    private final MemoryHook hook = new MemoryHook();
    private final PlacementBoard board = new PlacementBoard(() -> hook);

    @Test
    void anEmptyBoardReadsEmptyAndEachPolicyChoiceGetsTheNextNumber() {
        assertThat(board.read()).isEmpty();
        assertThat(board.publishPolicy("Evaluation", Map.of("perf_phase", 5))).isEqualTo(1);
        assertThat(board.publishPolicy("Evaluation", Map.of("perf_phase", 5))).isEqualTo(2);
        board.publishPlacements(Map.of("calc", "REMOTE", "tok", "LOCAL"), "pod-a-1f", 7);
        PlacementBoard.Published published = board.read().orElseThrow();
        assertThat(published.policyName()).isEqualTo("Evaluation");
        assertThat(published.policyParams()).containsEntry("perf_phase", 5);
        assertThat(published.policySeq()).isEqualTo(2);
        assertThat(published.placements()).containsExactlyInAnyOrderEntriesOf(Map.of("calc", "REMOTE", "tok", "LOCAL"));
        assertThat(published.leader()).isEqualTo("pod-a-1f");
        assertThat(published.term()).isEqualTo(7);
        // A later policy choice keeps the placements; later placements keep the choice.
        board.publishPolicy("Default", Map.of());
        assertThat(board.read().orElseThrow().placements()).hasSize(2);
    }

    @Test
    void aFormerLeaderCannotOverwriteALaterTermsPlacements() {
        board.publishPlacements(Map.of("calc", "REMOTE"), "pod-b", 8);
        // The old leader's tick ran past its lease; it publishes what it placed under term 7.
        assertThatThrownBy(() -> board.publishPlacements(Map.of("calc", "LOCAL"), "pod-a", 7))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("term 8")
                .hasMessageContaining("term 7");
        PlacementBoard.Published published = board.read().orElseThrow();
        assertThat(published.placements()).containsExactlyEntriesOf(Map.of("calc", "REMOTE"));
        assertThat(published.leader()).isEqualTo("pod-b");
        board.publishPlacements(Map.of("calc", "LOCAL"), "pod-b", 8); // the same term goes on publishing
        assertThat(board.read().orElseThrow().placements()).containsExactlyEntriesOf(Map.of("calc", "LOCAL"));
    }

    @Test
    void moreModulesThanTheBoundAreRefusedAndNothingIsStored() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= PlacementBoard.MAX_MODULES; i++) {
            many.put("m" + i, "LOCAL");
        }
        assertThatThrownBy(() -> board.publishPlacements(many, "a", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most " + PlacementBoard.MAX_MODULES);
        assertThat(board.read()).isEmpty();
    }

    @Test
    void aPolicyParameterGivenAsJsonNullIsReadBack() {
        Map<String, Object> params = new HashMap<>();
        params.put("tick_ms", null);
        board.publishPolicy("Evaluation", params);

        PlacementBoard.Published published = board.read().orElseThrow();

        assertThat(published.policyParams()).containsEntry("tick_ms", null);
        assertThat(published.policyName()).isEqualTo("Evaluation");
    }

    @Test
    void modesOtherThanLocalOrRemoteAreIgnoredWhenRead() {
        hook.setGlob(PlacementBoard.KEY, "{\"placements\": {\"calc\": \"REMOTE\", \"evil\": \"rm -rf\", \"n\": 3}, "
                + "\"policy\": {\"name\": 5}}");
        PlacementBoard.Published published = board.read().orElseThrow();
        assertThat(published.placements()).containsOnlyKeys("calc");
        assertThat(published.policyName()).isEqualTo("Default");
        assertThat(published.policySeq()).isZero();
    }
}
