package io.jsorc.services.redis;

import io.jsorc.Orchestrator;
import io.jsorc.base.Json;
import io.jsorc.config.Durability;
import io.jsorc.test.RedisServer;
import io.jsorc.test.WithRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Nothing lost: a Redis restarted empty, writes Redis refused, concurrent field updates, durable writes. */
@WithRedis(config = "\"timeout_ms\": 500, \"connect_timeout_ms\": 500")
class RedisHookDurabilityTest {

    private static final String API = "{\"enabled\": true, \"value\": \"api\"}";

    @AfterEach
    void cleanUp(RedisServer server) {
        if (server.isRunning()) {
            server.command("CONFIG SET maxmemory 0");
            server.command("ACL DELUSER writer");
        }
        assertThat(io.jsorc.test.ThreadLeaks.awaitGone(Set.of(), 5_000)).as("leaked jsorc-* threads").isEmpty();
    }

    private static Orchestrator orchestrator(RedisServer server) {
        return orchestrator(server.redisConfig("\"timeout_ms\": 500, \"connect_timeout_ms\": 500"));
    }

    private static Orchestrator orchestrator(String redisConfig) {
        return Orchestrator.builder().config("REDIS_CONFIG", redisConfig)
                .config("JSORC_CONFIG", "{\"backoff_interval\": 0.5, \"pre_loaded_services\": [\"redis\"]}")
                .build().start();
    }

    private static String value(Orchestrator o) {
        return String.valueOf(Json.parseObject(o.configGet("PROBE_CONFIG"), "t").get("value"));
    }

    private static String stored(RedisServer server) {
        return server.command("HGET " + RedisHook.HASH + " PROBE_CONFIG") == null ? null
                : String.valueOf(server.command("HEXISTS " + RedisHook.HASH + " PROBE_CONFIG"));
    }

    @Test
    void aRedisRestartedEmptyIsReseededAndNoReplicaFallsBackToTheDefault(RedisServer server) {
        try (Orchestrator a = orchestrator(server); Orchestrator b = orchestrator(server)) {
            a.configSet("PROBE_CONFIG", API);
            await().atMost(Duration.ofSeconds(5)).until(() -> "api".equals(value(b)));
            server.kill();
            server.start();
            long up = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                    .until(() -> ":1".equals(stored(server)));
            System.out.printf("re-seeded %d ms after Redis accepted connections again%n",
                    (System.nanoTime() - up) / 1_000_000);
            // Neither replica ever serves the default again, and a new orchestrator reads the API value.
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < until) {
                assertThat(value(a)).isEqualTo("api");
                assertThat(value(b)).isEqualTo("api");
            }
            try (Orchestrator c = orchestrator(server)) {
                assertThat(value(c)).isEqualTo("api");
            }
        }
    }

    @Test
    void aDefaultStoredFirstByAnotherOrchestratorNeverBeatsTheApiValue(RedisServer server) {
        try (Orchestrator a = orchestrator(server)) {
            a.configSet("PROBE_CONFIG", API);
            server.kill();
            server.start();
            // Another orchestrator stores the default into the empty Redis before A re-seeds it (what its script
            // writes on a first read), then a fresh one reads.
            String emulated = server.command("EVAL \"redis.call('SET', KEYS[3], 'other'); redis.call('HSET', KEYS[2], ARGV[1], '1:default');"
                    + " return redis.call('HSETNX', KEYS[1], ARGV[1], cjson.encode({enabled = true, value = 'v1'}))\""
                    + " 3 " + RedisHook.HASH + " " + RedisConfigScripts.META + " " + RedisConfigScripts.EPOCH
                    + " PROBE_CONFIG");
            System.out.println("default stored by another orchestrator after the restart: " + emulated);
            try (Orchestrator c = orchestrator(server)) {
                String first = value(c);
                System.out.println("fresh orchestrator read first: " + first);
                await().atMost(Duration.ofSeconds(5)).until(() -> "api".equals(value(c)));
                assertThat(value(a)).isEqualTo("api");
                assertThat(server.command("HGET " + RedisHook.HASH + " PROBE_CONFIG")).isNotNull();
            }
        }
    }

    @Test
    void aDeleteMadeWhileThisReplicaWasAwayIsHonoured(RedisServer server) {
        try (Orchestrator a = orchestrator(server); Orchestrator b = orchestrator(server)) {
            a.configSet("PROBE_CONFIG", API);
            await().atMost(Duration.ofSeconds(5)).until(() -> "api".equals(value(b)));
            server.command("CLIENT KILL TYPE pubsub"); // no store hears announcements until it subscribes again
            b.configDelete("PROBE_CONFIG");
            await().atMost(Duration.ofSeconds(10)).until(() -> "v1".equals(value(a)));
            assertThat(value(b)).isEqualTo("v1");
        }
    }

    @Test
    void aWriteRedisRefusesWithoutDroppingTheConnectionIsRetried(RedisServer server) {
        try (Orchestrator o = orchestrator(server)) {
            RedisHook hook = (RedisHook) o.hook();
            assertThat(value(o)).isEqualTo("v1");
            assertThat(server.command("CONFIG SET maxmemory 1")).isEqualTo("+OK");
            o.configSet("PROBE_CONFIG", API);
            assertThat(hook.pendingKeys()).containsExactly("PROBE_CONFIG");
            assertThat(hook.pendingCount()).isEqualTo(1);
            assertThat(value(o)).isEqualTo("api");
            server.command("CONFIG SET maxmemory 0");
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).until(() -> hook.pendingKeys().isEmpty());
            System.out.printf("pending write reached Redis %d ms after it took writes again%n",
                    (System.nanoTime() - t0) / 1_000_000);
            try (Orchestrator fresh = orchestrator(server)) {
                assertThat(value(fresh)).isEqualTo("api");
            }
        }
    }

    @Test
    void aRequiredWriteThrowsNamingTheKeyWhenRedisCannotStoreIt(RedisServer server) {
        try (Orchestrator o = orchestrator(server)) {
            RedisHook hook = (RedisHook) o.hook();
            assertThat(value(o)).isEqualTo("v1");
            server.command("CONFIG SET maxmemory 1");
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> o.configSet("PROBE_CONFIG", API, Durability.REQUIRED))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("PROBE_CONFIG");
            System.out.printf("REQUIRED write gave up after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(hook.pendingKeys()).isEmpty();
            assertThat(value(o)).isEqualTo("v1");
            server.command("CONFIG SET maxmemory 0");
            o.configSet("PROBE_CONFIG", API, Durability.REQUIRED);
            assertThat(server.command("HEXISTS " + RedisHook.HASH + " PROBE_CONFIG")).isEqualTo(":1");
            try (Orchestrator fresh = orchestrator(server)) {
                assertThat(value(fresh)).isEqualTo("api");
            }
        }
    }

    @Test
    void aRequiredDeleteThrowsWhenRedisCannotTakeItAndLeavesNothingPending(RedisServer server) {
        try (Orchestrator o = orchestrator(server)) {
            RedisHook hook = (RedisHook) o.hook();
            o.configSet("PROBE_CONFIG", API, Durability.REQUIRED);
            server.kill();

            assertThatThrownBy(() -> o.configDelete("PROBE_CONFIG", Durability.REQUIRED))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("PROBE_CONFIG");

            // Not removed later behind the caller's back: the value stays, and is what a restarted Redis gets back.
            assertThat(hook.pendingKeys()).isEmpty();
            assertThat(value(o)).isEqualTo("api");
            server.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> ":1".equals(server.command("HEXISTS " + RedisHook.HASH
                    + " PROBE_CONFIG")));
            o.configDelete("PROBE_CONFIG", Durability.REQUIRED);
            assertThat(server.command("HEXISTS " + RedisHook.HASH + " PROBE_CONFIG")).isEqualTo(":0");
            assertThat(value(o)).isEqualTo("v1");
        }
    }

    @Test
    void aRequiredWriteRedisStoredButNeverConfirmedIsNotReportedAsNothingChanged(RedisServer server) throws Exception {
        try (FreezingProxy proxy = new FreezingProxy(server.host(), server.port())) {
            try (Orchestrator o = orchestrator(server.redisConfig("\"timeout_ms\": 500, \"connect_timeout_ms\": 500")
                    .replace("\"port\": " + server.port(), "\"port\": " + proxy.port()))) {
                assertThat(value(o)).isEqualTo("v1");
                proxy.delayReplies(3_000); // Redis runs every command; no answer arrives in time
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> o.configSet("PROBE_CONFIG", API, Durability.REQUIRED))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("Config PROBE_CONFIG may not have been stored")
                        .message().doesNotContain("nothing was changed");
                System.out.printf("unconfirmed REQUIRED write answered after %d ms%n",
                        (System.nanoTime() - t0) / 1_000_000);
                proxy.delayReplies(0);
            }
            try (Orchestrator fresh = orchestrator(server)) {
                assertThat(value(fresh)).as("Redis took it").isEqualTo("api");
            }
        }
    }

    @Test
    void aReadThatRacesThisReplicasOwnWriteNeverPutsTheOlderValueBack(RedisServer server) throws Exception {
        try (Orchestrator a = orchestrator(server); Orchestrator b = orchestrator(server)) {
            RedisHook hook = (RedisHook) a.hook();
            int diverged = 0;
            for (int trial = 0; trial < 100; trial++) {
                String old = "{\"v\":\"old" + trial + "\"}";
                b.hook().setGlob("RACE_CONFIG", old); // a replica's write: a's memory copy is dropped
                await().atMost(Duration.ofSeconds(5)).until(() -> !hook.cachedKeys().contains("RACE_CONFIG"));
                String fresh = "{\"v\":\"new" + trial + "\"}";
                Thread reader = new Thread(() -> hook.getGlob("RACE_CONFIG"));
                Thread writer = new Thread(() -> hook.setGlob("RACE_CONFIG", fresh));
                reader.start();
                writer.start();
                reader.join();
                writer.join();
                if (!fresh.equals(hook.getGlob("RACE_CONFIG").orElse(null))) {
                    diverged++;
                }
            }
            assertThat(diverged).as("trials whose memory copy went back to the value before this replica's write")
                    .isZero();
        }
    }

    @Test
    void twoReplicasUpdatingDifferentFieldsOfOneKeyBothLand(RedisServer server) {
        try (Orchestrator a = orchestrator(server); Orchestrator b = orchestrator(server)) {
            a.configSet("PROBE_CONFIG", "{\"enabled\": true, \"value\": \"v1\", \"x\": 0, \"y\": 0}");
            await().atMost(Duration.ofSeconds(5)).until(() -> b.configGet("PROBE_CONFIG").contains("\"y\""));
            int n = 30;
            CompletableFuture<Void> onA = CompletableFuture.runAsync(() -> {
                for (int i = 1; i <= n; i++) {
                    a.configUpdate("PROBE_CONFIG", "x", String.valueOf(i));
                }
            });
            CompletableFuture<Void> onB = CompletableFuture.runAsync(() -> {
                for (int i = 1; i <= n; i++) {
                    b.configUpdate("PROBE_CONFIG", "y", String.valueOf(i));
                }
            });
            CompletableFuture.allOf(onA, onB).join();
            try (Orchestrator fresh = orchestrator(server)) {
                Map<String, Object> result = Json.parseObject(fresh.configGet("PROBE_CONFIG"), "t");
                System.out.println("after " + n + " updates on each replica: " + result);
                assertThat(result).containsEntry("x", n).containsEntry("y", n);
            }
        }
    }

    @Test
    void aPendingWriteBasedOnAnOlderVersionLosesToTheNewerValue(RedisServer server) {
        assertThat(server.command("ACL SETUSER writer on >pw ~* &* +@all")).isEqualTo("+OK");
        String asWriter = server.redisConfig("\"timeout_ms\": 500, \"connect_timeout_ms\": 500, "
                + "\"user\": \"writer\", \"password\": \"pw\"");
        try (Orchestrator a = orchestrator(asWriter); Orchestrator b = orchestrator(server)) {
            assertThat(value(a)).isEqualTo("v1");
            assertThat(value(b)).isEqualTo("v1");
            server.command("ACL SETUSER writer -@write"); // A's writes are refused, its connection stays
            a.configSet("PROBE_CONFIG", "{\"enabled\": true, \"value\": \"older\"}");
            assertThat(((RedisHook) a.hook()).pendingKeys()).containsExactly("PROBE_CONFIG");
            b.configSet("PROBE_CONFIG", "{\"enabled\": true, \"value\": \"newer\"}");
            server.command("ACL SETUSER writer +@all");
            await().atMost(Duration.ofSeconds(5)).until(() -> ((RedisHook) a.hook()).pendingKeys().isEmpty());
            await().atMost(Duration.ofSeconds(5)).until(() -> "newer".equals(value(a)));
            assertThat(value(b)).isEqualTo("newer");
            try (Orchestrator fresh = orchestrator(server)) {
                assertThat(value(fresh)).isEqualTo("newer");
            }
        }
    }
}
