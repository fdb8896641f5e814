package io.jsorc.services.redis;

import io.jsorc.Orchestrator;
import io.jsorc.ServiceState;
import io.jsorc.test.RedisServer;
import io.jsorc.test.WithRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The subscription's connection has no read timeout: only its PING/PONG keepalive notices it went half-open. */
@WithRedis
class RedisSubscriptionKeepaliveTest {

    @org.junit.jupiter.api.AfterEach
    void noJsorcThreadOutlivesTheTest() {
        assertThat(io.jsorc.test.ThreadLeaks.awaitGone(java.util.Set.of(), 5_000)).as("leaked jsorc-* threads")
                .isEmpty();
    }

    @Test
    void aHalfOpenSubscriptionFailsTheServiceWhichResubscribes(RedisServer server) throws Exception {
        try (FreezingProxy proxy = new FreezingProxy(server.host(), server.port());
             Orchestrator o = Orchestrator.builder()
                     .config("REDIS_CONFIG", "{\"enabled\": true, \"automated\": true, \"host\": \"127.0.0.1\", "
                             + "\"port\": " + proxy.port() + ", \"db\": 0, \"timeout_ms\": 500, "
                             + "\"connect_timeout_ms\": 500, \"health_timeout_ms\": 300, \"pubsub_ping_ms\": 500, "
                             + "\"pubsub_pong_timeout_ms\": 1500}")
                     .config("JSORC_CONFIG", "{\"backoff_interval\": 0.5, \"pre_loaded_services\": [\"redis\"]}")
                     .build().start()) {
            List<String> heard = new CopyOnWriteArrayList<>();
            o.shared(RedisLink.class, RedisLink::new).handle("jsorc:keepalive-test", (channel, message) ->
                    heard.add(message));
            RedisService first = o.svc("redis", RedisService.class);
            assertThat(first.isRunning()).isTrue();
            assertThat(server.command("PUBLISH jsorc:keepalive-test before")).isEqualTo(":1");
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("before"));

            assertThat(proxy.freezeSubscriptions()).as("subscribed connections frozen").isEqualTo(1);
            long frozenAt = System.nanoTime();
            // The server still sees the subscriber and delivers into the frozen connection: nothing arrives.
            assertThat(server.command("PUBLISH jsorc:keepalive-test lost")).isEqualTo(":1");
            assertThat(first.healthy()).as("a fresh connection is fine: the health check cannot tell").isTrue();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> first.state() == ServiceState.FAILED || !first.isRunning());
            long failedMillis = (System.nanoTime() - frozenAt) / 1_000_000;
            assertThat(first.error()).hasMessageContaining("Lost the subscription")
                    .hasMessageContaining("no PONG within 1500 ms");

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> o.svc("redis").isRunning());
            long recoveredMillis = (System.nanoTime() - frozenAt) / 1_000_000;
            RedisService second = o.svc("redis", RedisService.class);
            assertThat(second).isNotSameAs(first);
            assertThat(heard).doesNotContain("lost");
            // Subscribed again, over a new connection: messages are heard again.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                server.command("PUBLISH jsorc:keepalive-test after");
                return heard.contains("after");
            });
            System.out.printf("half-open subscription: service FAILED %d ms after the freeze (ping 500 ms, pong "
                    + "timeout 1500 ms), RUNNING again and resubscribed %d ms after it%n", failedMillis,
                    recoveredMillis);
            proxy.thaw();
        }
    }
}
