package io.jsorc.action;

import io.jsorc.Orchestrator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrackSystemTest {

    @Test
    void withoutPromeTheJvmIsRecordedAndSaysSo() throws Exception {
        try (Orchestrator o = Orchestrator.builder().scanPackages().build()) {
            ActionManager actions = o.get("action_manager", ActionManager.class);
            assertThat(actions.trackSystemStop()).isEmpty();
            actions.trackSystemStart(Duration.ofMillis(50));
            Thread.sleep(300);
            List<Map<String, Object>> entries = actions.trackSystemStop();
            assertThat(entries).hasSizeGreaterThanOrEqualTo(2);
            assertThat(entries.get(0)).containsKeys("ts", "actions_state", "jvm")
                    .containsEntry("source", "jvm: the prome service is not running");
        }
    }

    @Test
    void aClosedManagerStartsNoTrackerThatWouldOutliveIt() {
        ActionManager actions;
        try (Orchestrator o = Orchestrator.builder().scanPackages().build()) {
            actions = o.get("action_manager", ActionManager.class);
        }
        assertThatThrownBy(() -> actions.trackSystemStart(Duration.ofMillis(10)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.isAlive()
                && thread.getName().startsWith("jsorc-action-tracksys"));
    }
}
