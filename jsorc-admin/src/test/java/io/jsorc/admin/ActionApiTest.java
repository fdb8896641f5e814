package io.jsorc.admin;

import io.jsorc.action.ActionManager;
import io.jsorc.admin.fixtures.Calc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The action operations, with the original's answer shapes; the remote load runs a real child JVM. */
class ActionApiTest {

    private static AdminHost host;

    @BeforeAll
    static void start() throws Exception {
        host = AdminHost.start();
        AdminClient.Answer config = host.client.post("jsorc_actions_config", Map.of("name", "calc",
                "config", "{\"module\": \"" + Calc.class.getName() + "\", \"local_mem_mb\": 10}"));
        assertThat(config.status()).as(config.response().body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private static ActionManager actions() {
        return host.orchestrator.get("action_manager", ActionManager.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(AdminClient.Answer answer) {
        assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
        assertThat(answer.map()).containsEntry("success", true);
        return (Map<String, Object>) answer.map().get("action_status");
    }

    @Test
    void aModuleLoadsInThisJvmAndUnloads() throws Exception {
        Map<String, Object> loaded = status(host.client.post("jsorc_actions_load", Map.of("name", "calc",
                "mode", "module")));
        assertThat(loaded).containsEntry("mode", "module");
        assertThat((Map<String, Object>) loaded.get("module")).containsEntry("loaded", true)
                .containsEntry("name", Calc.class.getName());
        assertThat(actions().call("calc.add", 2, 3)).isEqualTo(5);
        AdminClient.Answer unload = host.client.post("jsorc_actions_unload", Map.of("name", "calc"));
        assertThat(unload.map()).containsEntry("success", true).containsKey("message");
        assertThat(status(host.client.post("jsorc_actions_status", Map.of("name", "calc")))).containsEntry("mode",
                null);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRemoteLoadStartsThenAnswersReady() throws Exception {
        try {
            Map<String, Object> starting = status(host.client.post("jsorc_actions_load", Map.of("name", "calc",
                    "mode", "remote")));
            assertThat(((Map<String, Object>) starting.get("remote")).get("status")).isIn("STARTING", "READY");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<String, Object> now = status(host.client.post("jsorc_actions_status", Map.of("name", "calc")));
                assertThat(now).containsEntry("mode", "remote");
                assertThat((Map<String, Object>) now.get("remote")).containsEntry("status", "READY")
                        .extractingByKey("url").asString().startsWith("http://127.0.0.1:");
            });
            Map<String, Object> all = status(host.client.post("jsorc_actions_status", Map.of()));
            assertThat(all).containsKey("calc");
            assertThat(actions().call("calc.add", 20, 22)).isEqualTo(42);
        } finally {
            AdminClient.Answer unload = host.client.post("jsorc_actions_unload", Map.of("name", "calc",
                    "mode", "remote", "retire_svc", true));
            assertThat(unload.map()).containsEntry("success", true);
        }
    }

    @Test
    void aModuleConfigCanComeFromAResourceHoldingActionConfigs() throws Exception {
        AdminClient.Answer config = host.client.post("jsorc_actions_config", Map.of("name", "calc2",
                "config", "admin-test-actions.yaml"));
        assertThat(config.status()).as(config.response().body()).isEqualTo(200);
        assertThat(actions().configOf("calc2")).hasValueSatisfying(c -> assertThat(c.module())
                .isEqualTo(Calc.class.getName()));
        AdminClient.Answer missing = host.client.post("jsorc_actions_config", Map.of("name", "calc3",
                "config", "admin-test-actions.yaml"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.message()).contains("calc3");
        AdminClient.Answer nowhere = host.client.post("jsorc_actions_config", Map.of("name", "calc3",
                "config", "no/such/file.yaml"));
        assertThat(nowhere.status()).isEqualTo(400);
    }

    @Test
    void thePolicyIsSetAndRead() throws Exception {
        AdminClient.Answer set = host.client.post("jsorc_actionpolicy_set", Map.of("policy_name", "Evaluation",
                "policy_params", Map.of("eval_phase", 5, "perf_phase", 20)));
        assertThat(set.map()).containsEntry("success", true);
        try {
            AdminClient.Answer get = host.client.post("jsorc_actionpolicy_get", Map.of());
            assertThat(get.map()).containsEntry("success", true).containsEntry("policy", "Evaluation")
                    .containsKey("params");
        } finally {
            host.client.post("jsorc_actionpolicy_set", Map.of("policy_name", "Default"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void actionTrackingOverThreeCallsShowsThemInTheFirstEntry() throws Exception {
        host.client.post("jsorc_actions_load", Map.of("name", "calc", "mode", "module"));
        try {
            assertThat(host.client.post("jsorc_trackact_start", Map.of()).status()).isEqualTo(200);
            for (int i = 0; i < 3; i++) {
                actions().call("calc.add", i, i);
            }
            List<Object> history = host.client.post("jsorc_trackact_stop", Map.of()).list();
            assertThat(history).isNotEmpty();
            Map<String, Object> first = (Map<String, Object>) history.get(0);
            Map<String, Object> calls = (Map<String, Object>) first.get("actions_calls");
            assertThat((Map<String, Object>) calls.get("calc.add")).containsEntry("count", 3)
                    .containsKey("mean_ms");
            assertThat(host.client.post("jsorc_trackact_stop", Map.of()).list()).isEmpty();
        } finally {
            host.client.post("jsorc_actions_unload", Map.of("name", "calc"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBenchmarkOverAdminCallsListsTheirOperations() throws Exception {
        host.client.post("jsorc_benchmark_start", Map.of());
        host.client.post("config_index", Map.of());
        host.client.post("config_list", Map.of());
        try (var request = actions().request("walker_run", "greet")) {
            assertThat(request).isNotNull();
        }
        Map<String, Object> report = host.client.post("jsorc_benchmark_report", Map.of()).map();
        assertThat(report).containsKeys("config_index", "config_list", "walker_run");
        Map<String, Object> entry = (Map<String, Object>) ((Map<String, Object>) report.get("config_index"))
                .get("_default_");
        assertThat(entry).containsKeys("count", "throughput", "average_latency", "50th_latency", "90th_latency",
                "95th_latency", "99th_latency");
        assertThat((Map<String, Object>) report.get("config_index")).containsKey("all");
        Map<String, Object> stopped = host.client.post("jsorc_benchmark_stop", Map.of("report", true)).map();
        assertThat(stopped).containsKey("jsorc_benchmark_report");
        assertThat(host.client.post("jsorc_benchmark_stop", Map.of()).map()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void systemTrackingReportsStatesWhileActiveAndStops() throws Exception {
        assertThat(host.client.post("jsorc_tracksys_start", Map.of()).map()).containsEntry("success", true)
                .containsEntry("active", true).containsKey("states");
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Map<String, Object> report = host.client.post("jsorc_tracksys_report", Map.of()).map();
                assertThat(report).containsEntry("active", true);
                assertThat((List<Object>) report.get("states")).isNotEmpty();
                Map<String, Object> state = (Map<String, Object>) ((List<Object>) report.get("states")).get(0);
                assertThat(state).containsKeys("ts", "actions");
                assertThat(state.containsKey("jvm") || state.containsKey("prometheus")).as(state.toString()).isTrue();
            });
        } finally {
            Map<String, Object> stopped = host.client.post("jsorc_tracksys_stop", Map.of()).map();
            assertThat(stopped).containsEntry("active", false).containsKey("states");
        }
    }
}
