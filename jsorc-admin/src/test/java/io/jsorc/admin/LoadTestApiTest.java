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
    void aLoadTestDoesNotTakeOverABenchmarkOrTrackingTheOperatorStarted() throws Exception {
        try (AdminHost own = AdminHost.start()) {
            io.jsorc.action.ActionManager manager = own.orchestrator.get("action_manager",
                    io.jsorc.action.ActionManager.class);
            assertThat(own.client.post("jsorc_benchmark_start", Map.of()).status()).isEqualTo(200);
            AdminClient.Answer refused = own.client.post("jsorc_loadtest", Map.of("test", "calc_load",
                    "experiment_duration", 1));
            assertThat(refused.status()).as(refused.response().body()).isEqualTo(409);
            assertThat(refused.message()).contains("A benchmark is running", "benchmark stop");
            assertThat(manager.benchmarking()).as("the operator's benchmark still runs").isTrue();
            own.client.post("jsorc_benchmark_stop", Map.of());

            assertThat(own.client.post("jsorc_trackact_start", Map.of()).status()).isEqualTo(200);
            refused = own.client.post("jsorc_loadtest", Map.of("test", "calc_load", "experiment_duration", 1));
            assertThat(refused.status()).as(refused.response().body()).isEqualTo(409);
            assertThat(refused.message()).contains("Action tracking is running", "trackact stop");
            assertThat(manager.trackingActions()).as("the operator's tracking still runs").isTrue();
            assertThat(manager.status()).as("nothing was loaded").isEmpty();
        }
    }

    @Test
    void aLoadTestThatOutlivesItsAdminServerStillKeepsASecondOneFromRunningBesideIt() throws Exception {
        // An orchestrator of its own: its admin server is refreshed, and the other tests keep the shared one's URL.
        try (AdminHost own = AdminHost.start()) {
            CompletableFuture<AdminClient.Answer> run = CompletableFuture.supplyAsync(() -> {
                try {
                    // Cut off when its server stops below; the test itself runs on.
                    return own.client.post("jsorc_loadtest", Map.of("test", "stubborn_load", "policy", "all_local",
                            "experiment_duration", 30));
                } catch (Exception e) {
                    return null;
                }
            });
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).pollInterval(
                    java.time.Duration.ofMillis(10)).until(() -> loadTestThreads() > 0);
            String before = own.admin.url();

            // A refresh stops the server (10 s for the test, which ignores the interrupt, 5 s for Jetty) and starts another.
            long t0 = System.nanoTime();
            own.orchestrator.serviceRefresh(AdminService.NAME);
            System.out.println("refresh returned after " + (System.nanoTime() - t0) / 1_000_000 + " ms; load test "
                    + "threads: " + loadTestThreads());
            AdminService admin = own.orchestrator.svc(AdminService.NAME, AdminService.class);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> admin.isRunning());
            assertThat(admin.url()).isNotEqualTo(before);
            AdminClient refreshed = new AdminClient(admin.url(), AdminHost.TOKEN);
            assertThat(loadTestThreads()).as("the stubborn test outlived its server").isEqualTo(1);

            AdminClient.Answer second = refreshed.post("jsorc_loadtest", Map.of("test", "calc_load",
                    "experiment_duration", 1));

            assertThat(second.status()).as(second.response().body()).isEqualTo(409);
            assertThat(second.message()).contains("running");
            // Once it ends, the next one runs.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> loadTestThreads() == 0);
            AdminClient.Answer third = refreshed.post("jsorc_loadtest", Map.of("test", "calc_load",
                    "experiment_duration", 1));
            assertThat(third.status()).as(third.response().body()).isEqualTo(200);
            run.get();
        }
    }

    private static long loadTestThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("jsorc-admin-loadtest")).count();
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
