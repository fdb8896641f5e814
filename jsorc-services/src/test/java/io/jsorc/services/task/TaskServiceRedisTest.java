package io.jsorc.services.task;

import io.jsorc.Orchestrator;
import io.jsorc.test.RedisServer;
import io.jsorc.test.WithRedis;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@WithRedis
class TaskServiceRedisTest {

    @org.junit.jupiter.api.AfterEach
    void noJsorcThreadOutlivesTheTest() {
        assertThat(io.jsorc.test.ThreadLeaks.awaitGone(java.util.Set.of(), 5_000)).as("leaked jsorc-* threads")
                .isEmpty();
    }


    static String taskConfig(int concurrency, long visibilityMillis) {
        return "{\"enabled\": true, \"automated\": true, \"backend\": \"redis\", \"concurrency\": " + concurrency
                + ", \"visibility_timeout_ms\": " + visibilityMillis + ", \"poll_ms\": 200, \"max_retries\": 1, "
                + "\"retry_backoff_ms\": 100, \"scheduler_tick_ms\": 50}";
    }

    /** Prints STARTED, works, then counts one completion in Redis. */
    static TaskHandler slowIncr(Orchestrator o, long workMillis) {
        return args -> {
            String id = String.valueOf(args.get("key"));
            System.out.println("STARTED " + id);
            System.out.flush();
            Thread.sleep(workMillis);
            return TaskWorkerMain.redis(o).app().incr("jsorc:test:done:" + id);
        };
    }

    static Orchestrator orchestrator(RedisServer server, String taskConfig) {
        return Orchestrator.builder()
                .config("REDIS_CONFIG", server.redisConfig())
                .config("TASK_CONFIG", taskConfig)
                .config("JSORC_CONFIG", "{\"backoff_interval\": 1, \"pre_loaded_services\": [\"redis\"]}")
                .build().start();
    }

    @Test
    void tasksRunThroughRedisAndResultsExpire(RedisServer server) throws Exception {
        String config = taskConfig(1, 5000).replace("\"max_retries\": 1", "\"max_retries\": 1, \"result_ttl_s\": 1");
        try (Orchestrator o = orchestrator(server, config)) {
            TaskService tasks = o.svc("task", TaskService.class);
            assertThat(tasks.backend()).isEqualTo("redis");
            tasks.register("double", args -> ((Number) args.get("n")).intValue() * 2);
            String id = tasks.submit("double", Map.of("n", 21));
            TaskResult result = tasks.await(id, Duration.ofSeconds(10));
            assertThat(result.status()).isEqualTo(TaskStatus.SUCCESS);
            assertThat(result.result()).isEqualTo(42);
            assertThat(server.command("EXISTS jsorc:task:default:t:" + id)).isEqualTo(":1");
            Thread.sleep(1500);
            assertThat(server.command("EXISTS jsorc:task:default:t:" + id)).isEqualTo(":0");
        }
    }

    @Test
    void aTaskWhoseWorkerJvmIsKilledCompletesExactlyOnceElsewhere(RedisServer server) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process worker = new ProcessBuilder(java, "-Djsorc.scan.packages=io.jsorc.services.fixtures",
                "-cp", System.getProperty("java.class.path"), TaskWorkerMain.class.getName(),
                String.valueOf(server.port())).redirectErrorStream(true).start();
        // Config lives in Redis and is shared by every replica (the worker JVM stored TASK_CONFIG first), so the
        // submitter is a bare broker rather than a task service with workers of its own.
        try (Orchestrator submitter = orchestrator(server, taskConfig(1, 1000));
             BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(),
                     StandardCharsets.UTF_8))) {
            assertThat(readUntil(out, "READY")).isEqualTo("READY redis");
            RedisTaskBroker broker = new RedisTaskBroker(
                    () -> submitter.svc("redis", io.jsorc.services.redis.RedisService.class), "default");
            String id = UUID.randomUUID().toString();
            broker.enqueue(id, "slow_incr", Map.of("key", "k1"));
            assertThat(readUntil(out, "STARTED")).isEqualTo("STARTED k1");
            assertThat(broker.result(id).orElseThrow().status()).isEqualTo(TaskStatus.STARTED);

            worker.destroyForcibly(); // SIGKILL in the middle of the task
            assertThat(worker.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(server.command("GET jsorc:test:done:k1")).isEqualTo("$-1");

            try (Orchestrator rescuer = orchestrator(server, taskConfig(1, 1000))) {
                TaskService tasks = rescuer.svc("task", TaskService.class);
                tasks.register("slow_incr", slowIncr(rescuer, 100));
                long t0 = System.nanoTime();
                TaskResult result = tasks.await(id, Duration.ofSeconds(30));
                System.out.printf("task re-delivered and completed %d ms after the rescuer started%n",
                        (System.nanoTime() - t0) / 1_000_000);
                assertThat(result.status()).as(result.toString()).isEqualTo(TaskStatus.SUCCESS);
                assertThat(result.attempts()).isEqualTo(2);
                Thread.sleep(1500); // more than a visibility timeout: nothing runs it a third time
                assertThat(server.command("GET jsorc:test:done:k1")).isEqualTo("$1");
                assertThat(rescuer.svc("redis", io.jsorc.services.redis.RedisService.class).get("jsorc:test:done:k1"))
                        .isEqualTo("1");
            }
        } finally {
            worker.destroyForcibly();
        }
    }

    @Test
    void twoSchedulerReplicasFireADueRunOnce(RedisServer server) throws Exception {
        List<Long> fired = new CopyOnWriteArrayList<>();
        try (Orchestrator a = orchestrator(server, taskConfig(1, 5000));
             Orchestrator b = orchestrator(server, taskConfig(1, 5000))) {
            TaskService ta = a.svc("task", TaskService.class);
            TaskService tb = b.svc("task", TaskService.class);
            TaskHandler tick = args -> fired.add(System.currentTimeMillis());
            ta.register("tick", tick);
            tb.register("tick", tick);
            Schedule every = Schedule.every("ticker", "tick", Map.of(), 1, "seconds");
            long t0 = System.currentTimeMillis();
            ta.schedule(every);
            tb.schedule(every); // the same declaration from the other replica changes nothing
            Thread.sleep(10_300);
            ta.unschedule("ticker");
            Thread.sleep(300);
            System.out.printf("fired %d times in 10 s with two schedulers: %s%n", fired.size(),
                    fired.stream().map(t -> t - t0).toList());
            assertThat(fired.size()).isBetween(9, 11);
        }
    }

    @Test
    void aTaskWhoseWorkerDiedAtEveryStartIsFailedNotRunAgain(RedisServer server) throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        try (Orchestrator submitter = orchestrator(server, taskConfig(1, 1000))) {
            RedisTaskBroker broker = new RedisTaskBroker(
                    () -> submitter.svc("redis", io.jsorc.services.redis.RedisService.class), "default");
            String id = UUID.randomUUID().toString();
            broker.enqueue(id, "crash", Map.of());
            // max_retries 1: two workers take it, start it and die with it (no ack, no result), one after the other.
            for (String ghost : List.of("ghost-1", "ghost-2")) {
                TaskBroker.Delivery delivery = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (delivery == null && System.nanoTime() < deadline) {
                    delivery = broker.take(ghost, Duration.ofMillis(200), Duration.ofMillis(300)).orElse(null);
                }
                assertThat(delivery).as(ghost + " got the task").isNotNull();
                broker.started(id, ghost);
            }
            assertThat(broker.result(id).orElseThrow().attempts()).isEqualTo(2);
            try (Orchestrator rescuer = orchestrator(server, taskConfig(1, 1000))) {
                TaskService tasks = rescuer.svc("task", TaskService.class);
                tasks.register("crash", args -> ran.add("ran"));
                TaskResult result = tasks.await(id, Duration.ofSeconds(30));
                assertThat(result.status()).as(result.toString()).isEqualTo(TaskStatus.FAILURE);
                assertThat(result.error()).contains("never finished");
                assertThat(ran).as("not run a third time").isEmpty();
            }
        }
    }

    @Test
    void anUnreadableScheduleStopsNoOtherOne(RedisServer server) throws Exception {
        List<Long> fired = new CopyOnWriteArrayList<>();
        try (Orchestrator o = orchestrator(server, taskConfig(1, 5000))) {
            TaskService tasks = o.svc("task", TaskService.class);
            tasks.register("tick", args -> fired.add(System.currentTimeMillis()));
            // Written by hand, or by another version: no schedule the broker can read.
            assertThat(server.command("HSET jsorc:task:default:schedules broken not-json")).isEqualTo(":1");
            assertThat(server.command("HSET jsorc:task:default:schedules:next broken 0")).isEqualTo(":1");
            tasks.schedule(Schedule.every("ticker", "tick", Map.of(), 1, "seconds"));
            await().atMost(Duration.ofSeconds(20)).until(() -> fired.size() >= 2);
            tasks.unschedule("ticker");
        }
    }

    @Test
    void aLongTaskKeepsItsLeaseAndRunsOnceWhileItsWorkerLives(RedisServer server) throws Exception {
        java.util.concurrent.atomic.AtomicInteger starts = new java.util.concurrent.atomic.AtomicInteger();
        // Visibility 600 ms, the task takes 2 s, two live workers: without lease renewal the second would take it.
        try (Orchestrator o = orchestrator(server, taskConfig(2, 600))) {
            TaskService tasks = o.svc("task", TaskService.class);
            tasks.register("long", args -> {
                starts.incrementAndGet();
                Thread.sleep(2000);
                return "done";
            });
            TaskResult result = tasks.await(tasks.submit("long", Map.of()), Duration.ofSeconds(20));
            assertThat(result.status()).isEqualTo(TaskStatus.SUCCESS);
            Thread.sleep(800);
            assertThat(starts.get()).isEqualTo(1);
            assertThat(result.attempts()).isEqualTo(1);
        }
    }

    @Test
    void aLateRetryNeverUndoesARecordedResult(RedisServer server) {
        try (Orchestrator o = orchestrator(server, taskConfig(0, 1000))) {
            RedisTaskBroker broker = new RedisTaskBroker(
                    () -> o.svc("redis", io.jsorc.services.redis.RedisService.class), "guard");
            MemoryTaskBroker memory = new MemoryTaskBroker();
            for (TaskBroker b : List.<TaskBroker>of(broker, memory)) {
                b.enqueue("t1", "x", Map.of());
                assertThat(b.finish("t1", TaskStatus.SUCCESS, "\"first\"", null, Duration.ofMinutes(1))).isTrue();
                b.retryLater("t1", "late failure", java.time.Instant.now());
                assertThat(b.retryUnhandled("t1", "late", java.time.Instant.now())).isZero();
                assertThat(b.finish("t1", TaskStatus.SUCCESS, "\"third\"", null, Duration.ofMinutes(1))).isFalse();
                TaskResult result = b.result("t1").orElseThrow();
                assertThat(result.status()).as(b.kind()).isEqualTo(TaskStatus.SUCCESS);
                assertThat(result.result()).as(b.kind()).isEqualTo("first");
                assertThat(b.promoteDueRetries(java.time.Instant.now().plusSeconds(1))).as(b.kind()).isZero();
            }
        }
    }

    @Test
    void autoUsesRedisWhenItIsEnabledAndFailsWhileItIsDown(RedisServer server) {
        String auto = taskConfig(1, 5000).replace("\"backend\": \"redis\"", "\"backend\": \"auto\"");
        try (Orchestrator o = orchestrator(server, auto)) {
            assertThat(o.svc("task", TaskService.class).backend()).isEqualTo("redis");
        }
        server.flushAll();
        server.kill();
        try (Orchestrator o = orchestrator(server, auto)) {
            io.jsorc.CommonService<?> tasks = o.svc("task");
            assertThat(tasks.hasFailed()).isTrue();
            assertThat(tasks.error()).hasMessageContaining("needs Redis");
        }
    }

    private static String readUntil(BufferedReader reader, String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = reader.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("worker JVM never printed " + prefix);
    }
}
