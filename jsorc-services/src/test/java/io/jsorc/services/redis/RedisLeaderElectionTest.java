package io.jsorc.services.redis;

import io.jsorc.Orchestrator;
import io.jsorc.cluster.Leadership;
import io.jsorc.test.RedisServer;
import io.jsorc.test.WithRedis;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Redis lease on a real Redis: one leader, fencing tokens, release, and the renew deadline. */
@WithRedis(config = "\"timeout_ms\": 500, \"connect_timeout_ms\": 500")
class RedisLeaderElectionTest {

    private static Orchestrator replica(RedisServer server, String mode) {
        return Orchestrator.builder()
                .config("REDIS_CONFIG", server.redisConfig("\"timeout_ms\": 300, \"connect_timeout_ms\": 300"))
                .config("JSORC_CONFIG", "{\"backoff_interval\": 5, \"leader_election\": {\"mode\": \"" + mode
                        + "\", \"lease_duration_ms\": 2000, \"renew_deadline_ms\": 1000, \"retry_period_ms\": 250}}")
                .build().start();
    }

    @Test
    void autoPicksRedisAndExactlyOneReplicaLeadsUntilItLeaves(RedisServer server) {
        server.flushAll();
        try (Orchestrator a = replica(server, "auto"); Orchestrator b = replica(server, "redis")) {
            Leadership la = Leadership.of(a);
            Leadership lb = Leadership.of(b);
            assertThat(la.mode()).isEqualTo("redis");
            assertThat(la.isLeader()).as("the first replica acquires at start").isTrue();
            assertThat(lb.isLeader()).isFalse();
            assertThat(la.confirm()).isTrue();
            assertThat(lb.confirm()).isFalse();
            long firstToken = la.fencingToken();
            assertThat(firstToken).isPositive();
            try (RedisClient redis = RedisClient.create(server.host(),
                    server.port())) {
                assertThat(redis.get("jsorc:leader:jsorc-leader-jsorc")).isEqualTo(la.identity().orElseThrow());
                assertThat(redis.get("jsorc:leader:jsorc-leader-jsorc:fence")).isEqualTo(Long.toString(firstToken));
            }
            for (int i = 0; i < 20; i++) { // 2 s: several renewals, never two leaders
                assertThat(la.isLeader() && lb.isLeader()).isFalse();
                assertThat(la.isLeader()).isTrue();
                sleep(100);
            }
            long t0 = System.nanoTime();
            a.close(); // releases the lease: b takes over at its next attempt, not after expiry
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(lb::isLeader);
            System.out.printf("redis lease: b leads %d ms after a released it%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(lb.fencingToken()).isGreaterThan(firstToken);
        }
    }

    @Test
    void tokensGivenAfterRedisLostTheCounterStillOrderAboveTheOldOnes(RedisServer server) {
        server.flushAll();
        try (Orchestrator a = replica(server, "redis")) {
            Leadership la = Leadership.of(a);
            assertThat(la.isLeader()).isTrue();
            long before = la.fencingToken();
            server.flushAll(); // a restart without persistence: the lease and its counter are gone
            try (Orchestrator b = replica(server, "redis")) {
                Leadership lb = Leadership.of(b);
                await().atMost(Duration.ofSeconds(10)).until(() -> lb.isLeader() || la.isLeader());
                Leadership now = lb.isLeader() ? lb : la;
                await().atMost(Duration.ofSeconds(10)).until(() -> now.fencingToken() != before);
                System.out.println("token before the loss " + before + ", after " + now.fencingToken());
                assertThat(now.fencingToken()).isGreaterThan(before);
            }
        }
    }

    @Test
    void aLostFencingCounterStartsANewTermInsteadOfBlockingLeadership(RedisServer server) {
        server.flushAll();
        try (Orchestrator a = replica(server, "redis")) {
            Leadership la = Leadership.of(a);
            assertThat(la.isLeader()).isTrue();
            long before = la.fencingToken();
            String fence = "jsorc:leader:" + la.settings().orElseThrow().leaseName() + ":fence";
            assertThat(server.command("DEL " + fence)).as("the counter alone is lost (evicted)").isEqualTo(":1");
            await().atMost(Duration.ofSeconds(10)).until(() -> la.fencingToken() != before);
            assertThat(la.isLeader()).as("the holder still leads, in a new term").isTrue();
            assertThat(la.fencingToken()).isGreaterThan(before);
        }
    }

    @Test
    void aLeaderThatCannotRenewStopsAtItsRenewDeadline(RedisServer server) {
        server.flushAll();
        try (Orchestrator a = replica(server, "redis")) {
            Leadership la = Leadership.of(a);
            assertThat(la.isLeader()).isTrue();
            server.pause();
            long t0 = System.nanoTime();
            try {
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> !la.isLeader());
                long stoppedMs = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("redis lease: a stopped leading %d ms after Redis paused (renew deadline 1000)%n",
                        stoppedMs);
                assertThat(la.confirm()).isFalse();
            } finally {
                server.resume();
            }
            await().atMost(Duration.ofSeconds(10)).until(la::isLeader);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
