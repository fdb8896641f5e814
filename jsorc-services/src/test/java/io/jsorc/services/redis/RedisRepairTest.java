package io.jsorc.services.redis;

import io.jsorc.Orchestrator;
import io.jsorc.ServiceState;
import io.jsorc.test.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A config store that cannot reach its Redis has the {@code redis} service built, so the regeneration loop (in a
 * cluster: the leader, with {@code REDIS_MANIFEST}) brings that Redis back; a store whose Redis answers builds none.
 */
class RedisRepairTest {

    @AfterEach
    void noJsorcThreadOutlivesTheTest() {
        assertThat(io.jsorc.test.ThreadLeaks.awaitGone(Set.of(), 5_000)).as("leaked jsorc-* threads").isEmpty();
    }

    private static Orchestrator orchestrator(RedisServer server, String timeouts, Set<ServiceState> redisStates) {
        return Orchestrator.builder()
                .config("REDIS_CONFIG", server.redisConfig(timeouts))
                .config("JSORC_CONFIG", "{\"backoff_interval\": 0.5}")
                .listener((service, from, to, error) -> {
                    if (service.equals("redis")) {
                        redisStates.add(to);
                    }
                }).build().start();
    }

    @Test
    void aStoreThatCannotReachItsRedisHasTheRedisServiceBuiltWhichBringsItBack() {
        Set<ServiceState> redisStates = ConcurrentHashMap.newKeySet();
        try (RedisServer server = RedisServer.startNew()) {
            server.stop();
            try (Orchestrator o = orchestrator(server, "\"timeout_ms\": 300, \"connect_timeout_ms\": 300",
                    redisStates)) {
                o.configSet("PROBE_CONFIG", "{\"enabled\": true, \"value\": \"kept\"}"); // kept pending
                // Nobody asks for the redis service: the store, finding Redis down, has it built; it fails.
                await().atMost(Duration.ofSeconds(20)).until(() -> redisStates.contains(ServiceState.FAILED));
                assertThat(redisStates).doesNotContain(ServiceState.RUNNING);

                server.start();
                // The loop keeps the automated service and brings it back; the store writes what it kept.
                await().atMost(Duration.ofSeconds(20)).until(() -> redisStates.contains(ServiceState.RUNNING));
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> ":1".equals(server.command("HEXISTS " + RedisHook.HASH + " PROBE_CONFIG")));
            }
        }
    }

    @Test
    void aStoreWhoseRedisAnswersBuildsNoRedisService() throws Exception {
        Set<ServiceState> redisStates = ConcurrentHashMap.newKeySet();
        try (RedisServer server = RedisServer.startNew();
             Orchestrator o = orchestrator(server, "", redisStates)) { // default timeouts: no slow reply counts
            o.configSet("PROBE_CONFIG", "{\"enabled\": true, \"value\": \"stored\"}");
            assertThat(o.svc("probe").app()).isEqualTo("stored");
            await().atMost(Duration.ofSeconds(10)).until(() -> ((RedisHook) o.hook()).isSubscribed());
            Thread.sleep(1500); // three regeneration cycles
            assertThat(redisStates).as("the redis service's states").isEmpty();
        }
    }
}
