package io.jsorc.services.redis;

import io.jsorc.Orchestrator;
import io.jsorc.ServiceState;
import io.jsorc.base.Json;
import io.jsorc.test.RedisServer;
import io.jsorc.test.WithRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Subscriptions have no read timeout: only their PING/PONG keepalive notices one went half-open. The config store then
 * subscribes again and catches up on what it missed; the redis service's watch fails the service, which is rebuilt.
 */
@WithRedis
class RedisSubscriptionKeepaliveTest {

    @AfterEach
    void noJsorcThreadOutlivesTheTest() {
        assertThat(io.jsorc.test.ThreadLeaks.awaitGone(Set.of(), 5_000)).as("leaked jsorc-* threads").isEmpty();
    }

    private static String value(Orchestrator o) {
        return String.valueOf(Json.parseObject(o.configGet("PROBE_CONFIG"), "probe config").get("value"));
    }

    private static String probe(String value) {
        return "{\"enabled\": true, \"value\": \"" + value + "\"}";
    }

    @Test
    void aHalfOpenSubscriptionIsNoticedSubscribedAgainAndWhatItMissedIsCaughtUpOn(RedisServer server) throws Exception {
        try (FreezingProxy proxy = new FreezingProxy(server.host(), server.port());
             Orchestrator a = Orchestrator.builder()
                     .config("REDIS_CONFIG", "{\"enabled\": true, \"host\": \"127.0.0.1\", \"port\": " + proxy.port()
                             + ", \"db\": 0, \"timeout_ms\": 500, \"connect_timeout_ms\": 500, "
                             + "\"pubsub_ping_ms\": 500, \"pubsub_pong_timeout_ms\": 1500}")
                     .build().start();
             Orchestrator b = Orchestrator.builder().config("REDIS_CONFIG", server.redisConfig("")).build().start()) {
            b.configSet("PROBE_CONFIG", probe("before"));
            // A keeps a memory copy, which only an announcement (or a resync) replaces.
            await().atMost(Duration.ofSeconds(10)).until(() -> "before".equals(value(a)));
            b.configSet("PROBE_CONFIG", probe("heard"));
            await().atMost(Duration.ofSeconds(10)).until(() -> "heard".equals(value(a)));

            int subscribersBefore = proxy.subscribers();
            assertThat(proxy.freezeSubscriptions()).as("subscribed connections frozen").isPositive();
            long frozenAt = System.nanoTime();
            // The server still sees the subscriber and delivers into the frozen connection: nothing arrives ...
            b.configSet("PROBE_CONFIG", probe("missed"));
            assertThat(value(a)).isEqualTo("heard");
            // ... until the keepalive gives the connection up and the store subscribes again, catching up on it.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> "missed".equals(value(a)));
            long caughtUpMillis = (System.nanoTime() - frozenAt) / 1_000_000;
            assertThat(proxy.subscribers()).as("subscribed again, over a new connection")
                    .isGreaterThan(subscribersBefore);

            // Subscribed again: live announcements are heard again.
            b.configSet("PROBE_CONFIG", probe("after"));
            await().atMost(Duration.ofSeconds(10)).until(() -> "after".equals(value(a)));
            System.out.printf("half-open config subscription (ping 500 ms, pong timeout 1500 ms): subscribed again and "
                    + "caught up %d ms after the freeze%n", caughtUpMillis);
            proxy.thaw();
            // Nothing of A's is left open: neither a socket jedis would reopen to send UNSUBSCRIBE on a closed
            // subscription, nor the lost one, nor the store's own connections.
            a.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.openConnections() == 0);
        }
    }

    @Test
    void aHalfOpenWatchFailsTheRedisServiceWhichWatchesAgain(RedisServer server) throws Exception {
        try (FreezingProxy proxy = new FreezingProxy(server.host(), server.port());
             Orchestrator o = Orchestrator.builder()
                     .config("REDIS_CONFIG", "{\"enabled\": true, \"automated\": true, \"host\": \"127.0.0.1\", "
                             + "\"port\": " + proxy.port() + ", \"db\": 0, \"timeout_ms\": 500, "
                             + "\"connect_timeout_ms\": 500, \"health_timeout_ms\": 300, \"pubsub_ping_ms\": 500, "
                             + "\"pubsub_pong_timeout_ms\": 1500}")
                     // The default 10 s between full cycles: only the failure itself can have the service rebuilt soon.
                     .config("JSORC_CONFIG", "{\"backoff_interval\": 10, \"pre_loaded_services\": [\"redis\"]}")
                     .build().start()) {
            RedisService first = o.svc("redis", RedisService.class);
            assertThat(first.isRunning()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.subscribers() >= 1);

            assertThat(proxy.freezeSubscriptions()).as("subscribed connections frozen").isPositive();
            long frozenAt = System.nanoTime();
            assertThat(first.healthy()).as("a fresh connection is fine: the health check cannot tell").isTrue();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> first.state() == ServiceState.FAILED || !first.isRunning());
            long failedMillis = (System.nanoTime() - frozenAt) / 1_000_000;
            assertThat(first.error()).hasMessageContaining("Lost the subscription to " + RedisService.WATCH_CHANNEL)
                    .hasMessageContaining("no PONG within 1500 ms");

            // Rebuilt at once: the watch's own daemons end as the service fails (a loss reported under a lock the
            // listening daemon also needs held the failure up for the 5 s the service waits for its daemons).
            await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(20))
                    .until(() -> o.svc("redis").isRunning());
            long recoveredMillis = (System.nanoTime() - frozenAt) / 1_000_000;
            assertThat(o.svc("redis", RedisService.class)).isNotSameAs(first);
            System.out.printf("half-open watch: redis service FAILED %d ms after the freeze (ping 500 ms, pong "
                    + "timeout 1500 ms), RUNNING again %d ms after it%n", failedMillis, recoveredMillis);
            proxy.thaw();
        }
    }

    @Test
    void aSubscriptionTheServerNeverConfirmsIsGivenUpAndTakenAgain(RedisServer server) throws Exception {
        try (FreezingProxy proxy = new FreezingProxy(server.host(), server.port());
             Orchestrator b = Orchestrator.builder().config("REDIS_CONFIG", server.redisConfig("")).build().start()) {
            b.configSet("PROBE_CONFIG", probe("before"));
            proxy.freezeNewSubscriptions(true); // a front that accepts and then stalls, right after connecting
            try (Orchestrator a = Orchestrator.builder()
                    .config("REDIS_CONFIG", "{\"enabled\": true, \"host\": \"127.0.0.1\", \"port\": " + proxy.port()
                            + ", \"db\": 0, \"timeout_ms\": 300, \"connect_timeout_ms\": 300}")
                    .build().start()) {
                // Read through the proxy (300 ms timeouts): a loaded machine may need a second try.
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> "before".equals(value(a)));
                long frozenAt = System.nanoTime();
                // Unconfirmed within connect + socket timeout (600 ms): given up, and tried again.
                await().atMost(Duration.ofSeconds(20)).until(() -> proxy.subscribers() >= 2);
                long retriedMillis = (System.nanoTime() - frozenAt) / 1_000_000;
                assertThat(((RedisHook) a.hook()).isSubscribed()).isFalse();

                proxy.freezeNewSubscriptions(false);
                await().atMost(Duration.ofSeconds(20)).until(() -> ((RedisHook) a.hook()).isSubscribed());
                b.configSet("PROBE_CONFIG", probe("after"));
                await().atMost(Duration.ofSeconds(10)).until(() -> "after".equals(value(a)));
                System.out.printf("unconfirmed subscription: tried again %d ms after the first try%n", retriedMillis);
            }
            proxy.thaw();
        }
    }
}
