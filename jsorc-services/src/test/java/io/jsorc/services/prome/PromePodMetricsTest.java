package io.jsorc.services.prome;

import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import io.jsorc.Service;
import io.jsorc.action.ActionManager;
import io.jsorc.metrics.ClusterMetrics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The action manager's system tracking reaches a running {@code prome} through {@link PromePodMetrics}. */
class PromePodMetricsTest {

    /** A "prome" that answers podInfo from fixed data. */
    @Service(name = "prome", priority = 1)
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
    void withPromeThePodsAreRecorded() throws Exception {
        try (Orchestrator o = Orchestrator.builder().scanPackages().register(FakeProme.class).config("PROME_CONFIG", "{\"enabled\": true}").build()) {
            ActionManager actions = o.get("action_manager", ActionManager.class);
            actions.trackSystemStart(Duration.ofMillis(50));
            Thread.sleep(200);
            List<Map<String, Object>> entries = actions.trackSystemStop();
            assertThat(entries).isNotEmpty();
            assertThat(entries.get(0).get("prometheus")).isEqualTo(Map.of("pod-1", Map.of("cpu_utilization_cores", 0.5)));
        }
    }
}
