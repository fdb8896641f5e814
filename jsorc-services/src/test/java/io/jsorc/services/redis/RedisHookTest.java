package io.jsorc.services.redis;

import io.jsorc.Orchestrator;
import io.jsorc.base.Json;
import io.jsorc.test.RedisServer;
import io.jsorc.test.WithRedis;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@WithRedis(config = "\"timeout_ms\": 500, \"connect_timeout_ms\": 500")
class RedisHookTest {

    @org.junit.jupiter.api.AfterEach
    void noJsorcThreadOutlivesTheTest() {
        assertThat(io.jsorc.test.ThreadLeaks.awaitGone(java.util.Set.of(), 5_000)).as("leaked jsorc-* threads")
                .isEmpty();
    }


    /** An announcement of a key nobody reads: PUBLISH answers how many subscribers got it. */
    private static final String HARMLESS_ANNOUNCEMENT = "PUBLISH " + RedisHook.channel(0)
            + " '{\"origin\": \"test\", \"key\": \"NOBODY_READS_THIS\"}'";

    static Orchestrator orchestrator(RedisServer server) {
        return orchestrator(server, 0);
    }

    @Test
    void hookIsTheRedisHookAndConfigLandsInRedis(RedisServer server) {
        try (Orchestrator o = orchestrator(server)) {
            assertThat(o.hook()).isInstanceOf(RedisHook.class);
            o.configSet("PROBE_CONFIG", "{\"enabled\": true, \"value\": \"stored\"}");
            assertThat(server.command("HEXISTS " + RedisHook.HASH + " PROBE_CONFIG")).isEqualTo(":1");
            assertThat(o.svc("probe").app()).isEqualTo("stored");
        }
    }

    @Test
    void configSurvivesIntoANewOrchestratorAndANewJvm(RedisServer server) throws Exception {
        try (Orchestrator first = orchestrator(server)) {
            first.configSet("PROBE_CONFIG", "{\"enabled\": true, \"value\": \"from-first\"}");
        }
        try (Orchestrator second = orchestrator(server)) {
            assertThat(second.svc("probe").app()).isEqualTo("from-first");
        }
        List<String> lines = runProbe(server, "get");
        assertThat(lines).contains("probe=from-first");
    }

    @Test
    void aChangeOnOneReplicaRestartsTheServiceOnTheOther(RedisServer server) {
        try (Orchestrator a = orchestrator(server); Orchestrator b = orchestrator(server)) {
            assertThat(a.svc("probe").app()).isEqualTo("v1");
            assertThat(b.svc("probe").app()).isEqualTo("v1");
            long t0 = System.nanoTime();
            a.serviceConfigSet("probe", "{\"enabled\": true, \"value\": \"v2\"}");
            assertThat(a.svc("probe").app()).isEqualTo("v2");
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> "v2".equals(b.svc("probe").app()));
            System.out.printf("replica B runs the new config %d ms after A set it%n",
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    @Test
    void hostsOnOtherDatabasesOfTheSameServerDoNotHearEachOthersChanges(RedisServer server) {
        try (Orchestrator a = orchestrator(server, 1); Orchestrator sameDb = orchestrator(server, 1);
             Orchestrator otherDb = orchestrator(server, 2)) {
            assertThat(sameDb.svc("probe").app()).isEqualTo("v1");
            io.jsorc.CommonService<?> other = otherDb.svc("probe");
            assertThat(other.app()).isEqualTo("v1");

            a.serviceConfigSet("probe", "{\"enabled\": true, \"value\": \"v2\"}");

            // Its replica on the same database hears it and restarts with v2 ...
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> "v2".equals(sameDb.svc("probe").app()));
            // ... while the host on database 2 (pub/sub is server-wide) neither restarts nor drops its copy.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < until) {
                assertThat(otherDb.svc("probe")).as("not restarted by another database's change").isSameAs(other);
            }
            assertThat(((RedisHook) otherDb.hook()).cachedKeys()).contains("PROBE_CONFIG");
            assertThat(other.app()).isEqualTo("v1");
        }
    }

    static Orchestrator orchestrator(RedisServer server, int db) {
        return Orchestrator.builder()
                .config("REDIS_CONFIG", server.redisConfig("\"timeout_ms\": 500, \"connect_timeout_ms\": 500")
                        .replace("\"db\": 0", "\"db\": " + db))
                .config("JSORC_CONFIG", "{\"backoff_interval\": 0.5, \"pre_loaded_services\": [\"redis\"]}")
                .build().start();
    }

    @Test
    void replicasChangesAreHeardOnTheStoresOwnRedisWithoutTheRedisService(RedisServer server) {
        java.util.Set<io.jsorc.ServiceState> redisStates = java.util.concurrent.ConcurrentHashMap.newKeySet();
        // Not pre-loaded, and disabled in the store: the redis service never runs on A, the store hears anyway.
        try (Orchestrator b = Orchestrator.builder()
                .config("REDIS_CONFIG", server.redisConfig("\"timeout_ms\": 500, \"connect_timeout_ms\": 500"))
                .build().start()) {
            b.serviceConfigSet("redis", "{\"enabled\": false}");
            try (Orchestrator a = Orchestrator.builder()
                    .config("REDIS_CONFIG", server.redisConfig("\"timeout_ms\": 500, \"connect_timeout_ms\": 500"))
                    .listener((service, from, to, error) -> {
                        if (service.equals("redis")) {
                            redisStates.add(to);
                        }
                    }).build().start()) {
                assertThat(a.svc("probe").app()).isEqualTo("v1");
                await().atMost(Duration.ofSeconds(10)).until(() -> ((RedisHook) a.hook()).isSubscribed());

                b.serviceConfigSet("probe", "{\"enabled\": true, \"value\": \"from-b\"}");
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                        .until(() -> "from-b".equals(a.svc("probe").app()));
                assertThat(redisStates).as("the redis service's states on A").doesNotContain(
                        io.jsorc.ServiceState.STARTED, io.jsorc.ServiceState.RUNNING);
                assertThat(server.command(HARMLESS_ANNOUNCEMENT)).as("subscribers: A and B").isEqualTo(":2");
            }
            // Closing A closed its subscription's connection; the server drops it as it reads the close.
            await().atMost(Duration.ofSeconds(5)).until(() -> ":1".equals(server.command(HARMLESS_ANNOUNCEMENT)));
        }
    }

    @Test
    void aChangeInThisJvmReachesAnotherJvm(RedisServer server) throws Exception {
        Process watcher = startProbe(server, "watch");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(watcher.getInputStream(),
                StandardCharsets.UTF_8)); Orchestrator o = orchestrator(server)) {
            assertThat(readUntil(out, "READY")).isNotNull();
            o.serviceConfigSet("probe", "{\"enabled\": true, \"value\": \"from-parent\"}");
            String changed = readUntil(out, "CHANGED");
            System.out.println("other JVM: " + changed);
            assertThat(changed).startsWith("CHANGED from-parent");
            assertThat(watcher.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(watcher.exitValue()).isZero();
        } finally {
            watcher.destroyForcibly();
        }
    }

    @Test
    void configSetWhileRedisIsDownReachesRedisWhenItReturns(RedisServer server) {
        server.kill();
        try (Orchestrator o = orchestrator(server)) {
            assertThat(o.svc("redis").isRunning()).isFalse();
            // Behaves like the memory hook meanwhile.
            o.configSet("PROBE_CONFIG", "{\"enabled\": true, \"value\": \"during-outage\"}");
            assertThat(o.svc("probe").app()).isEqualTo("during-outage");
            assertThat(Json.parseObject(o.configGet("PROBE_CONFIG"), "t")).containsEntry("value", "during-outage");
            assertThat(((RedisHook) o.hook()).pendingKeys()).contains("PROBE_CONFIG");

            server.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> o.svc("redis").isRunning());
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    server.command("HEXISTS " + RedisHook.HASH + " PROBE_CONFIG").equals(":1"));
            assertThat(((RedisHook) o.hook()).pendingKeys()).isEmpty();
        }
        try (Orchestrator fresh = orchestrator(server)) {
            assertThat(fresh.svc("probe").app()).isEqualTo("during-outage");
        }
    }

    private static Process startProbe(RedisServer server, String mode) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        return new ProcessBuilder(java, "-Djsorc.scan.packages=io.jsorc.services.fixtures",
                "-cp", System.getProperty("java.class.path"), ConfigProbeMain.class.getName(),
                String.valueOf(server.port()), mode).redirectErrorStream(true).start();
    }

    private static List<String> runProbe(RedisServer server, String mode) throws Exception {
        Process process = startProbe(server, mode);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output.lines().toList();
    }

    private static String readUntil(BufferedReader reader, String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String line;
        while (System.nanoTime() < deadline && (line = reader.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("child JVM never printed " + prefix);
    }
}
