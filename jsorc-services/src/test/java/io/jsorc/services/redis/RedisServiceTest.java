package io.jsorc.services.redis;

import io.jsorc.Orchestrator;
import io.jsorc.ServiceNotRunningException;
import io.jsorc.ServiceState;
import io.jsorc.inject.Svc;
import io.jsorc.test.JsOrcConfig;
import io.jsorc.test.JsOrcTest;
import io.jsorc.test.RedisServer;
import io.jsorc.test.WithRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@WithRedis(config = "\"timeout_ms\": 500, \"connect_timeout_ms\": 500, \"health_timeout_ms\": 300")
@JsOrcTest
@JsOrcConfig(key = "JSORC_CONFIG", json = "{\"backoff_interval\": 0.5, \"pre_loaded_services\": [\"redis\"]}")
class RedisServiceTest {

    @Test
    void talksToARealServer(@Svc("redis") RedisService redis, RedisServer server) {
        assertThat(redis.isRunning()).isTrue();
        assertThat(redis.address()).isEqualTo("127.0.0.1:" + server.port() + "/0");
        redis.set("k", "v");
        assertThat(redis.get("k")).isEqualTo("v");
        assertThat(redis.exists("k")).isTrue();
        assertThat(server.command("EXISTS k")).isEqualTo(":1"); // really on the server
        redis.hset("h", "f", "1");
        assertThat(redis.hget("h", "f")).isEqualTo("1");
        assertThat(redis.hexists("h", "f")).isTrue();
        assertThat(redis.hkeys("h")).containsExactly("f");
        assertThat(redis.hdel("h", "f")).isEqualTo(1);
        assertThat(redis.delete("k")).isEqualTo(1);
        assertThat(redis.get("k")).isNull();
        redis.set("x", "1");
        redis.clear();
        assertThat(server.command("DBSIZE")).isEqualTo(":0");
        assertThat(redis.app().incr("counter")).isEqualTo(1);
        assertThat(redis.healthy()).isTrue();
    }

    @Test
    void killedServerGivesClearErrorsThenRecoversWhenItIsBack(Orchestrator orchestrator, RedisServer server)
            throws Exception {
        RedisService first = orchestrator.svc("redis", RedisService.class);
        assertThat(first.isRunning()).isTrue();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ok = new AtomicLong();
        AtomicLong longestFailureMillis = new AtomicLong();
        Set<String> errors = ConcurrentHashMap.newKeySet();
        CountDownLatch started = new CountDownLatch(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            String key = "key-" + i;
            workers.add(pool.submit(() -> {
                started.countDown();
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    try {
                        orchestrator.svc("redis", RedisService.class).set(key, "v");
                        ok.incrementAndGet();
                    } catch (RedisServiceException | ServiceNotRunningException e) {
                        longestFailureMillis.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                        errors.add(e.getClass().getSimpleName());
                        assertThat(e.getMessage()).containsAnyOf("127.0.0.1:" + server.port(), "not running");
                    }
                }
                return null;
            }));
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 100);

        server.kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> !first.isRunning());
        assertThat(first.state()).isEqualTo(ServiceState.FAILED);
        Thread.sleep(1_000); // callers keep failing while the server is down

        server.start();
        long accepting = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> orchestrator.svc("redis").isRunning());
        long recoveryMillis = (System.nanoTime() - accepting) / 1_000_000;
        long okBefore = ok.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > okBefore + 100);
        stop.set(true);
        for (Future<?> worker : workers) {
            worker.get(10, TimeUnit.SECONDS); // a failed assertion in a worker surfaces here
        }
        pool.shutdownNow();

        System.out.printf("redis RUNNING again %d ms after the server accepted connections; slowest failed call %d ms;"
                + " errors seen %s%n", recoveryMillis, longestFailureMillis.get(), errors);
        assertThat(errors).isNotEmpty();
        // A failed call never hangs much past the configured 500 ms socket/connect timeout.
        assertThat(longestFailureMillis.get()).isLessThan(5_000);
        assertThat(orchestrator.svc("redis")).isNotSameAs(first);
        // Generous bound (the target is 1 s; the measured value is printed above).
        assertThat(recoveryMillis).isLessThan(5_000);
    }

    @Test
    void aHungServerIsNoticedByTheHealthCheckAndCallsStayBounded(Orchestrator orchestrator, RedisServer server) {
        RedisService redis = orchestrator.svc("redis", RedisService.class);
        server.pause(); // SIGSTOP: connections stay open, nothing answers, the subscription sees nothing
        try {
            long t0 = System.nanoTime();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> redis.set("k", "v"))
                    .isInstanceOf(RedisServiceException.class).hasMessageContaining("127.0.0.1:" + server.port());
            long callMillis = (System.nanoTime() - t0) / 1_000_000;
            await().atMost(Duration.ofSeconds(10)).until(() -> redis.state() == ServiceState.FAILED);
            System.out.printf("call to a hung server failed after %d ms (socket timeout 500 ms)%n", callMillis);
            assertThat(callMillis).isLessThan(5_000);
        } finally {
            server.resume();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> orchestrator.svc("redis").isRunning());
    }

    @Test
    void healthCheckNoticesADeadServerWithoutAnyCaller(Orchestrator orchestrator, RedisServer server) {
        RedisService redis = orchestrator.svc("redis", RedisService.class);
        server.kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> !redis.healthy());
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.state() == ServiceState.FAILED);
        server.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> orchestrator.svc("redis").isRunning());
    }

    @Test
    void infoMasksThePassword(Orchestrator orchestrator) {
        Map<String, Object> redisConfig = new java.util.LinkedHashMap<>(
                io.jsorc.base.Json.parseObject(orchestrator.configGet("REDIS_CONFIG"), "REDIS_CONFIG"));
        redisConfig.put("password", ""); // empty: not sent to the server, but still masked
        orchestrator.configSet("REDIS_CONFIG", io.jsorc.base.Json.write(redisConfig));
        Map<String, Object> config = orchestrator.serviceRefresh("redis").info().config();
        assertThat(config).containsEntry("password", "****");
    }
}
