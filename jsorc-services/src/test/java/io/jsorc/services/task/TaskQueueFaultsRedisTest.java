package io.jsorc.services.task;

import io.jsorc.Orchestrator;
import io.jsorc.test.RedisServer;
import io.jsorc.test.WithRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
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

            server.command("DEL " + PREFIX + "stream");
            assertThat(server.command("XGROUP CREATE " + PREFIX + "stream workers $ MKSTREAM")).isEqualTo("+OK");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ran.get()).isEqualTo(1));
            assertThat(server.command("HEXISTS " + PREFIX + "schedules:next later")).isEqualTo(":0");
        }
    }
}
