package io.jsorc.admin;

import io.jsorc.admin.fixtures.Hanging;
import io.jsorc.test.RedisServer;
import io.jsorc.test.WithRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** /healthz and /readyz against real parts: a real redis-server killed and restarted, a check that hangs. */
@WithRedis(config = "\"timeout_ms\": 500, \"connect_timeout_ms\": 500")
class ReadinessTest {

    @Test
    @SuppressWarnings("unchecked")
    void readinessFollowsRedisDownAndBackAfterRegeneration(RedisServer redis) throws Exception {
        try (AdminHost host = AdminHost.start("\"readiness\": [\"redis\"]", redis.redisConfig(
                "\"timeout_ms\": 500, \"connect_timeout_ms\": 500"))) {
            host.orchestrator.configSet("JSORC_CONFIG", "{\"backoff_interval\": 1}");
            await().atMost(Duration.ofSeconds(20)).until(() -> host.client.get("/readyz", false).status() == 200);
            AdminClient.Answer detailed = host.client.get("/readyz", true);
            assertThat((Map<String, Object>) ((Map<String, Object>) detailed.map().get("services")).get("redis"))
                    .containsEntry("state", "RUNNING").containsEntry("healthy", true).containsKey("check_ms");
            redis.kill();
            long down = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).until(() -> host.client.get("/readyz", false).status() == 503);
            System.out.printf("readyz turned 503 %d ms after redis-server was killed%n",
                    (System.nanoTime() - down) / 1_000_000);
            assertThat(host.client.get("/healthz", false).status()).isEqualTo(200);
            redis.start();
            long up = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).until(() -> host.client.get("/readyz", false).status() == 200);
            System.out.printf("readyz turned 200 %d ms after redis-server was restarted%n",
                    (System.nanoTime() - up) / 1_000_000);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aHungCheckCountsAsDownAndTheAnswerStillComesInTime() throws Exception {
        try (AdminHost host = AdminHost.start("\"readiness\": [\"hanging\"], \"health_timeout_ms\": 500", null,
                Hanging.class)) {
            // Warm the server and the JSON path first: what is measured is the hung check's bound, not a cold JVM.
            host.client.get("/healthz", true);
            host.client.post("config_index", Map.of());
            long t0 = System.nanoTime();
            AdminClient.Answer answer = host.client.get("/readyz", true);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("readyz with a 10 s hung check answered in %d ms (timeout 500 ms): %s%n", millis,
                    answer.response().body());
            assertThat(answer.status()).isEqualTo(503);
            assertThat(millis).as("bounded by the 500 ms timeout, not the 10 s hang").isLessThan(5_000);
            assertThat((Map<String, Object>) ((Map<String, Object>) answer.map().get("services")).get("hanging"))
                    .containsEntry("healthy", false).extractingByKey("error").asString()
                    .contains("did not answer within 500 ms");
            // Asked again while the first check still hangs: joined, not started again, still in time.
            long t1 = System.nanoTime();
            assertThat(host.client.get("/readyz", false).status()).isEqualTo(503);
            assertThat((System.nanoTime() - t1) / 1_000_000).as("not the 10 s hang either").isLessThan(5_000);
        }
    }

    @Test
    void aFloodOfReadinessProbesLeavesRequestThreadsForTheOperators() throws Exception {
        try (AdminHost host = AdminHost.start("\"readiness\": [\"hanging\"], \"health_timeout_ms\": 8000", null,
                Hanging.class)) {
            host.client.get("/healthz", true);
            host.client.post("config_index", Map.of());
            java.util.concurrent.ExecutorService flood = java.util.concurrent.Executors.newFixedThreadPool(20);
            try {
                List<java.util.concurrent.Future<Integer>> probes = new java.util.ArrayList<>();
                for (int i = 0; i < 20; i++) { // no token needed: anyone who reaches the port
                    probes.add(flood.submit(() -> host.client.get("/readyz", false).status()));
                }
                Thread.sleep(500); // the flood is in, its checks hanging
                long t0 = System.nanoTime();
                int status = host.client.post("config_list", Map.of()).status();
                long millis = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("config_list answered %d in %d ms beside 20 readiness probes of a hung check%n",
                        status, millis);
                assertThat(status).isEqualTo(200);
                assertThat(millis).as("not behind the probes' 8 s waits").isLessThan(4_000);
                for (java.util.concurrent.Future<Integer> probe : probes) {
                    assertThat(probe.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(503);
                }
            } finally {
                flood.shutdownNow();
                assertThat(flood.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    /** A service whose health check takes 700 ms. */
    public abstract static class Slow extends io.jsorc.admin.fixtures.SlowHealth {
        @Override
        protected long checkMillis() {
            return 700;
        }
    }

    @io.jsorc.Service(name = "slow1")
    public static class Slow1 extends Slow { }

    @io.jsorc.Service(name = "slow2")
    public static class Slow2 extends Slow { }

    @io.jsorc.Service(name = "slow3")
    public static class Slow3 extends Slow { }

    @io.jsorc.Service(name = "slow4")
    public static class Slow4 extends Slow { }

    @Test
    @SuppressWarnings("unchecked")
    void slowChecksRunSideBySideSoTogetherTheyStillAnswerInTime() throws Exception {
        // One after another they would take 2.8 s, past the 2 s timeout: the last ones would count as down.
        try (AdminHost host = AdminHost.start("\"readiness\": [\"slow1\", \"slow2\", \"slow3\", \"slow4\"]", null,
                Slow1.class, Slow2.class, Slow3.class, Slow4.class)) {
            for (String name : List.of("slow1", "slow2", "slow3", "slow4")) {
                host.orchestrator.configSet(name.toUpperCase(java.util.Locale.ROOT) + "_CONFIG", "{\"enabled\": true}");
                assertThat(host.orchestrator.svc(name).isRunning()).as(name).isTrue();
            }
            long t0 = System.nanoTime();
            AdminClient.Answer answer = host.client.get("/readyz", true);
            System.out.printf("readyz with four 700 ms checks answered in %d ms: %s%n",
                    (System.nanoTime() - t0) / 1_000_000, answer.response().body());
            assertThat(answer.status()).isEqualTo(200);
            Map<String, Object> services = (Map<String, Object>) answer.map().get("services");
            assertThat(services).hasSize(4).allSatisfy((name, check) ->
                    assertThat((Map<String, Object>) check).containsEntry("healthy", true));
        }
    }

    /** Takes 3 s to build: a refresh of it holds one of the admin API's request slots that long. */
    @io.jsorc.Service(name = "sleepy")
    public static class Sleepy extends io.jsorc.CommonService<String> {
        @Override
        protected String run() throws InterruptedException {
            Thread.sleep(3_000);
            return "up";
        }
    }

    @Test
    void probesAnswerWhileLongOperationsFillTheRequestLimit() throws Exception {
        try (AdminHost host = AdminHost.start("", null, Sleepy.class)) {
            host.orchestrator.configSet("SLEEPY_CONFIG", "{\"enabled\": true}");
            java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(
                    AdminServer.MAX_REQUESTS);
            try {
                List<java.util.concurrent.Future<Long>> refreshes = new java.util.ArrayList<>();
                for (int i = 0; i < AdminServer.MAX_REQUESTS; i++) {
                    refreshes.add(callers.submit(() -> {
                        host.client.post("service_refresh", Map.of("name", "sleepy"));
                        return System.nanoTime();
                    }));
                }
                Thread.sleep(500); // every slot taken by a refresh building for 3 s
                assertThat(host.client.get("/healthz", false).status()).isEqualTo(200);
                assertThat(host.client.get("/readyz", false).status()).isEqualTo(200);
                long probed = System.nanoTime();
                long firstRefreshDone = Long.MAX_VALUE;
                for (java.util.concurrent.Future<Long> refresh : refreshes) {
                    firstRefreshDone = Math.min(firstRefreshDone, refresh.get(60, java.util.concurrent.TimeUnit.SECONDS));
                }
                System.out.printf("probes answered %d ms before the first of %d long operations ended%n",
                        (firstRefreshDone - probed) / 1_000_000, AdminServer.MAX_REQUESTS);
                assertThat(probed).as("the probes did not wait for a request slot").isLessThan(firstRefreshDone);
            } finally {
                callers.shutdownNow();
            }
        }
    }

    @Test
    void healthIsDownUntilTheOrchestratorStarts() throws Exception {
        io.jsorc.Orchestrator orchestrator = io.jsorc.Orchestrator.builder().scanPackages()
                .hook(new io.jsorc.config.MemoryHook())
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("ADMIN_CONFIG", "{\"enabled\": true, \"port\": 0, \"token\": \"t0k3n-abcdef\"}").build();
        try {
            AdminService admin = orchestrator.svc("admin", AdminService.class);
            AdminClient client = new AdminClient(admin.url(), "t0k3n-abcdef");
            assertThat(client.get("/healthz", false).status()).isEqualTo(503);
            assertThat(client.get("/healthz", false).map()).containsEntry("status", "DOWN");
            orchestrator.start();
            assertThat(client.get("/healthz", false).status()).isEqualTo(200);
        } finally {
            orchestrator.close();
        }
    }
}
