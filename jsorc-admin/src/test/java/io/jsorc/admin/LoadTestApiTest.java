package io.jsorc.admin;

import io.jsorc.action.ActionConfig;
import io.jsorc.action.ActionManager;
import io.jsorc.action.ActionMode;
import io.jsorc.action.UnloadMode;
import io.jsorc.admin.fixtures.Calc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** jsorc_loadtest runs a registered load test (fixtures.CalcLoadTest) and answers both levels; one at a time. */
class LoadTestApiTest {

    private static AdminHost host;

    @BeforeAll
    static void start() {
        host = AdminHost.start();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aLoadTestAnswersRequestAndActionLevelsAndASecondOneMeanwhileIsRefused() throws Exception {
        CompletableFuture<AdminClient.Answer> run = CompletableFuture.supplyAsync(() -> {
            try {
                return host.client.post("jsorc_loadtest", Map.of("test", "calc_load", "policy", "all_local",
                        "experiment_duration", 3));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // The first one runs once its thread does (not after a guessed sleep: a slow machine may take longer).
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).pollInterval(
                java.time.Duration.ofMillis(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().startsWith("jsorc-admin-loadtest")));
        AdminClient.Answer second = host.client.post("jsorc_loadtest", Map.of("test", "calc_load",
                "experiment_duration", 1));
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.message()).contains("running");

        AdminClient.Answer answer = run.get();
        assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
        Map<String, Object> levels = (Map<String, Object>) ((Map<String, Object>) answer.map().get("calc_load"))
                .get("all_local");
        Map<String, Object> walker = (Map<String, Object>) ((Map<String, Object>) levels.get("walker_level"))
                .get("walker_run");
        assertThat((Map<String, Object>) walker.get("sum")).containsKeys("count", "throughput", "50th_latency");
        List<Object> actionLevel = (List<Object>) levels.get("action_level");
        assertThat(actionLevel.toString()).contains("calc.add");
        System.out.println("load test answer: " + answer.response().body().length() + " bytes, walker level "
                + walker.get("all"));
    }

    @Test
    void anUnknownTestIs404NamingTheRegisteredOnes() throws Exception {
        AdminClient.Answer answer = host.client.post("jsorc_loadtest", Map.of("test", "nope"));
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.message()).contains("calc_load");
    }

    @Test
    void aRefusedLoadTestChangesNothingAndARunPutsBackThePolicyAndTheModulesLoadedBefore() throws Exception {
        ActionManager manager = host.orchestrator.get("action_manager", ActionManager.class);
        manager.config("calc", ActionConfig.of(Calc.class));
        manager.load("calc", ActionMode.LOCAL);
        manager.policy("Evaluation", Map.of("eval_phase", 5, "perf_phase", 20));
        try {
            AdminClient.Answer refused = host.client.post("jsorc_loadtest", Map.of("test", "calc_load",
                    "policy", "NoSuchPolicy", "experiment_duration", 1));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.message()).contains("Policy NoSuchPolicy not found", "all_local", "Evaluation");
            assertThat(manager.policy()).containsEntry("name", "Evaluation");
            assertThat(manager.status()).containsKey("calc");

            AdminClient.Answer ran = host.client.post("jsorc_loadtest", Map.of("test", "calc_load",
                    "policy", "all_local", "experiment_duration", 1));
            assertThat(ran.status()).as(ran.response().body()).isEqualTo(200);
            assertThat(manager.policy()).containsEntry("name", "Evaluation");
            assertThat(manager.status()).containsKey("calc");
        } finally {
            manager.policy("Default", Map.of());
            manager.unload("calc", UnloadMode.AUTO, true);
        }
    }
}
