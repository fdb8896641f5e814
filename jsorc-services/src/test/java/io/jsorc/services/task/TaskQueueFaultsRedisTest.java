package io.jsorc.services.task;

import io.jsorc.Orchestrator;
import io.jsorc.test.RedisServer;
import io.jsorc.test.WithRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static io.jsorc.services.task.TaskServiceRedisTest.orchestrator;
import static io.jsorc.services.task.TaskServiceRedisTest.taskConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Task queue faults on a real redis-server: poison records, half-done enqueues, hung handlers. */
@WithRedis
class TaskQueueFaultsRedisTest {

    private static final String PREFIX = "jsorc:task:default:";

    @AfterEach
    void noJsorcThreadOutlivesTheTest() {
        assertThat(io.jsorc.test.ThreadLeaks.awaitGone(Set.of(), 5_000)).as("leaked jsorc-* threads").isEmpty();
    }

    @Test
    void poisonRecordsEndAsFailureWithTheParseErrorAndTheQueueKeepsServing(RedisServer server) throws Exception {
        try (Orchestrator o = orchestrator(server, taskConfig(1, 1000))) {
            TaskService tasks = o.svc("task", TaskService.class);
            tasks.register("double", args -> ((Number) args.get("n")).intValue() * 2);
            // Written behind the broker's back, as a bug, an old version or a hand edit would leave them.
            Map<String, String> corrupt = Map.of(
                    "bad-status", "args {} status BOGUS attempts 0",
                    "bad-args", "args {oops status PENDING attempts 0",
                    "bad-attempts", "args {} status PENDING attempts lots");
            corrupt.forEach((id, fields) -> {
                assertThat(server.command("HSET " + PREFIX + "t:" + id + " id " + id + " task double "
                        + fields + " submitted 1")).startsWith(":");
                assertThat(server.command("XADD " + PREFIX + "stream * id " + id)).startsWith("$");
            });
            Map<String, String> field = Map.of("bad-status", "status", "bad-args", "args",
                    "bad-attempts", "attempts");
            for (String id : corrupt.keySet()) {
                TaskResult result = tasks.await(id, Duration.ofSeconds(10));
                assertThat(result.status()).as(id).isEqualTo(TaskStatus.FAILURE);
                assertThat(result.error()).as(id).contains("Corrupt task record").contains(field.get(id));
                assertThat(result.isDone()).isTrue();
                assertThat(Long.parseLong(server.command("PTTL " + PREFIX + "t:" + id).substring(1)))
                        .as("a quarantined record expires like any finished one").isPositive();
            }
            assertThat(tasks.result("bad-args").error()).contains("{oops");
            TaskInspection inspection = tasks.inspect();
            assertThat(inspection.active()).isEmpty();
            TaskResult normal = tasks.await(tasks.submit("double", Map.of("n", 21)), Duration.ofSeconds(10));
            assertThat(normal.status()).isEqualTo(TaskStatus.SUCCESS);
            assertThat(normal.result()).isEqualTo(42);
            // Acknowledged, not handed out again and again.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(server.command("XLEN " + PREFIX + "stream")).isEqualTo(":0"));
        }
    }

    @Test
    void aTaskRunningWhenItsReplicaClosesIsRunByAnotherOne(RedisServer server) throws Exception {
        String id;
        try (Orchestrator first = orchestrator(server, taskConfig(1, 1000))) {
            TaskService tasks = first.svc("task", TaskService.class);
            tasks.register("slow", args -> {
                Thread.sleep(30_000); // interrupted by the close below, as a deploy or a scale-down would
                return "first";
            });
            id = tasks.submit("slow", Map.of());
            String started = id;
            await().atMost(Duration.ofSeconds(10)).until(() -> tasks.result(started).status() == TaskStatus.STARTED);
        }
        // XGROUP DELCONSUMER alone deleted the delivery the closed worker held: nobody could claim the task again.
        assertThat(pendingDeliveries(server)).as("still pending, claimable").isEqualTo(":1");
        try (Orchestrator second = orchestrator(server, taskConfig(1, 1000))) {
            TaskService tasks = second.svc("task", TaskService.class);
            tasks.register("slow", args -> "second");
            TaskResult result = tasks.await(id, Duration.ofSeconds(20));
            System.out.println("after its first replica closed: " + result.status() + ", attempts " + result.attempts());
            assertThat(result.status()).isEqualTo(TaskStatus.SUCCESS);
            assertThat(result.result()).isEqualTo("second");
        }
        assertThat(pendingDeliveries(server)).isEqualTo(":0");
    }

    private static String pendingDeliveries(RedisServer server) {
        return server.command("EVAL \"return redis.call('XPENDING', KEYS[1], 'workers')[1]\" 1 " + PREFIX + "stream");
    }

    @Test
    void workersMakeTheGroupAgainWhenRedisLostIt(RedisServer server) throws Exception {
        try (Orchestrator o = orchestrator(server, taskConfig(1, 1000))) {
            TaskService tasks = o.svc("task", TaskService.class);
            tasks.register("double", args -> ((Number) args.get("n")).intValue() * 2);
            assertThat(tasks.await(tasks.submit("double", Map.of("n", 1)), Duration.ofSeconds(10)).result())
                    .isEqualTo(2);
            server.command("FLUSHALL"); // as a restart without persistence, or RedisService.clear(), leaves it
            TaskResult after = tasks.await(tasks.submit("double", Map.of("n", 21)), Duration.ofSeconds(20));
            assertThat(after.status()).isEqualTo(TaskStatus.SUCCESS);
            assertThat(after.result()).isEqualTo(42);
        }
    }

    @Test
    void aRecordReadBeforeAnyWorkerTakesItIsQuarantinedByTheReader(RedisServer server) {
        try (Orchestrator o = orchestrator(server, taskConfig(0, 1000))) {
            TaskService tasks = o.svc("task", TaskService.class);
            server.command("HSET " + PREFIX + "t:p1 id p1 task x args [] status PENDING attempts 0 submitted 1");
            server.command("XADD " + PREFIX + "stream * id p1");
            List<TaskResult> reserved = tasks.inspect().reserved();
            assertThat(reserved).extracting(TaskResult::id).doesNotContain("p1");
            TaskResult result = tasks.result("p1");
            assertThat(result.status()).isEqualTo(TaskStatus.FAILURE);
            assertThat(result.error()).contains("Corrupt task record").contains("args");
        }
    }

    @Test
    void anEnqueueWhoseStreamWriteFailsLeavesNoOrphanRecord(RedisServer server) {
        try (Orchestrator o = orchestrator(server, taskConfig(0, 1000))) {
            TaskService tasks = o.svc("task", TaskService.class);
            server.command("DEL " + PREFIX + "stream");
            assertThat(server.command("SET " + PREFIX + "stream not-a-stream")).isEqualTo("+OK");
            assertThatThrownBy(() -> tasks.submit("x", Map.of("a", 1))).hasMessageContaining("WRONGTYPE");
            assertThat(server.command("KEYS " + PREFIX + "t:*")).as("orphan PENDING records").isEqualTo("*0");
        }
    }

    @Test
    void aClaimedScheduleRunIsAlwaysEnqueued(RedisServer server) throws Exception {
        AtomicInteger ran = new AtomicInteger();
        try (Orchestrator o = orchestrator(server, taskConfig(1, 1000))) {
            TaskService tasks = o.svc("task", TaskService.class);
            tasks.register("once", args -> ran.incrementAndGet());
            server.command("DEL " + PREFIX + "stream");
            assertThat(server.command("SET " + PREFIX + "stream not-a-stream")).isEqualTo("+OK");
            tasks.schedule(Schedule.once("later", "once", Map.of(), Instant.now().plusMillis(200)));
            Thread.sleep(1200); // the run is due for ~1 s, every scheduler tick fails to enqueue it
            assertThat(server.command("HEXISTS " + PREFIX + "schedules:next later"))
                    .as("a run that could not be queued stays due, unclaimed").isEqualTo(":1");
            assertThat(ran.get()).isZero();

            server.command("DEL " + PREFIX + "stream"); // the workers make the stream and its group again
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ran.get()).isEqualTo(1));
            assertThat(server.command("HEXISTS " + PREFIX + "schedules:next later")).isEqualTo(":0");
        }
    }

    static String hungConfig(int concurrency, int maxRetries) {
        return taskConfig(concurrency, 600).replace("\"max_retries\": 1", "\"max_retries\": " + maxRetries
                + ", \"handler_timeout_ms\": 300");
    }

    @Test
    void aHungHandlerIsRecordedAsATimeoutAndFailsWhenNoRetryIsLeft(RedisServer server) throws Exception {
        try (Orchestrator o = orchestrator(server, hungConfig(1, 0))) {
            TaskService tasks = o.svc("task", TaskService.class);
            tasks.register("hang", args -> {
                Thread.sleep(30_000);
                return "late";
            });
            TaskResult result = tasks.await(tasks.submit("hang", Map.of()), Duration.ofSeconds(10));
            assertThat(result.status()).as(result.toString()).isEqualTo(TaskStatus.FAILURE);
            assertThat(result.error()).contains("exceeded handler_timeout_ms");
            assertThat(result.attempts()).isEqualTo(1);
        }
    }

    @Test
    void aHungHandlerLosesItsLeaseAndTheTaskIsRetriedElsewhere(RedisServer server) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger returned = new AtomicInteger();
        try (Orchestrator o = orchestrator(server, hungConfig(2, 1))) {
            TaskService tasks = o.svc("task", TaskService.class);
            tasks.register("sometimes_hangs", args -> {
                if (calls.incrementAndGet() == 1) {
                    Thread.sleep(30_000); // hangs (until the orchestrator closes)
                }
                returned.incrementAndGet();
                return "attempt " + calls.get();
            });
            String id = tasks.submit("sometimes_hangs", Map.of());
            TaskResult result = tasks.await(id, Duration.ofSeconds(10));
            assertThat(result.status()).as(result.toString()).isEqualTo(TaskStatus.SUCCESS);
            assertThat(result.result()).isEqualTo("attempt 2");
            assertThat(result.attempts()).isEqualTo(2);
            assertThat(returned.get()).as("the first handler still hangs").isEqualTo(1);
        }
    }
}
