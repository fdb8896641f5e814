package io.jsorc.action;

import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import io.jsorc.Service;
import io.jsorc.fixtures.Fixtures;
import io.jsorc.metrics.ClusterMetrics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TrackSystemTest {

    /** A "prome" that answers podInfo from fixed data. */
    @Service(name = "prome")
    public static class FakeProme extends CommonService<String> implements ClusterMetrics {
        @Override
        protected String run() {
            return "fake";
        }

        @Override
        public Map<String, Map<String, Double>> podInfo(String namespace, boolean excludeProm, Instant timestamp,
                                                        long durationSeconds) {
            return Map.of("pod-1", Map.of("cpu_utilization_cores", 0.5));
        }
    }

    @Test
    void withoutPromeTheJvmIsRecordedAndSaysSo() throws Exception {
        try (Orchestrator o = Fixtures.builder().build()) {
            ActionManager actions = o.actions();
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
    void withPromeThePodsAreRecorded() throws Exception {
        try (Orchestrator o = Fixtures.builder(FakeProme.class).config("PROME_CONFIG", "{\"enabled\": true}").build()) {
            ActionManager actions = o.actions();
            actions.trackSystemStart(Duration.ofMillis(50));
            Thread.sleep(200);
            List<Map<String, Object>> entries = actions.trackSystemStop();
            assertThat(entries).isNotEmpty();
            assertThat(entries.get(0).get("prometheus")).isEqualTo(Map.of("pod-1", Map.of("cpu_utilization_cores", 0.5)));
        }
    }
}
