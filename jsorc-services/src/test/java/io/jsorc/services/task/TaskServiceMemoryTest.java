package io.jsorc.services.task;

import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import io.jsorc.ServiceNotRunningException;
import io.jsorc.inject.Svc;
import io.jsorc.test.JsOrcConfig;
import io.jsorc.test.JsOrcTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The in-memory backend: the same API, in one JVM, no Redis. */
@JsOrcTest
@JsOrcConfig(key = "REDIS_CONFIG", json = "{\"enabled\": false}")
@JsOrcConfig(key = "TASK_CONFIG", json = "{\"enabled\": true, \"backend\": \"memory\", \"concurrency\": 2, "
        + "\"max_retries\": 2, \"retry_backoff_ms\": 50, \"visibility_timeout_ms\": 5000, \"scheduler_tick_ms\": 20}")
class TaskServiceMemoryTest {

    @Test
    void submitRunsTheHandlerAndKeepsTheResult(@Svc("task") TaskService tasks) throws Exception {
        assertThat(tasks.backend()).isEqualTo("memory");
        tasks.register("greet", args -> "hello " + args.get("name"));
        String id = tasks.submit("greet", Map.of("name", "ann"));
        TaskResult done = tasks.await(id, Duration.ofSeconds(10));
        assertThat(done.status()).isEqualTo(TaskStatus.SUCCESS);
        assertThat(done.result()).isEqualTo("hello ann");
        assertThat(done.attempts()).isEqualTo(1);
        assertThat(done.task()).isEqualTo("greet");
        assertThat(done.finished()).isNotNull();
    }

    @Test
    void annotatedMethodsAreHandlers(@Svc("task") TaskService tasks) throws Exception {
        assertThat(tasks.handlerNames()).contains("add", "echo");
        TaskResult sum = tasks.await(tasks.submit("add", Map.of("a", 2, "b", 40)), Duration.ofSeconds(10));
        assertThat(sum.result()).isEqualTo(42);
        TaskResult echo = tasks.await(tasks.submit("echo", Map.of("x", "y")), Duration.ofSeconds(10));
        assertThat(echo.result()).isEqualTo(Map.of("x", "y"));
        TaskResult missingArg = tasks.await(tasks.submit("add", Map.of("a", 1)), Duration.ofSeconds(10));
        assertThat(missingArg.status()).isEqualTo(TaskStatus.FAILURE);
        assertThat(missingArg.error()).contains("needs argument 'b'");
    }

    @Test
    void failuresAreRetriedWithBackoffThenFailForGood(@Svc("task") TaskService tasks) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        tasks.register("flaky", args -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("not yet");
            }
            return "ok";
        });
        tasks.register("doomed", args -> {
            throw new IllegalStateException("always");
        });
        TaskResult flaky = tasks.await(tasks.submit("flaky", Map.of()), Duration.ofSeconds(10));
        assertThat(flaky.status()).isEqualTo(TaskStatus.SUCCESS);
        assertThat(flaky.attempts()).isEqualTo(3);
        TaskResult doomed = tasks.await(tasks.submit("doomed", Map.of()), Duration.ofSeconds(10));
        assertThat(doomed.status()).isEqualTo(TaskStatus.FAILURE);
        assertThat(doomed.attempts()).isEqualTo(3); // first run + max_retries 2
        assertThat(doomed.error()).contains("always");
    }

    @Test
    @JsOrcConfig(key = "TASK_CONFIG", json = "{\"enabled\": true, \"backend\": \"memory\", \"concurrency\": 1, "
            + "\"max_retries\": 2, \"retry_backoff_ms\": 50, \"scheduler\": false}")
    void retriesRunWithoutASchedulerDaemon(@Svc("task") TaskService tasks) throws Exception {
        assertThat(tasks.daemons()).containsExactlyInAnyOrder("worker", "lease");
        AtomicInteger calls = new AtomicInteger();
        tasks.register("twice", args -> {
            if (calls.incrementAndGet() < 2) {
                throw new IllegalStateException("first fails");
            }
            return "ok";
        });
        assertThat(tasks.await(tasks.submit("twice", Map.of()), Duration.ofSeconds(10)).result()).isEqualTo("ok");
    }

    @Test
    void unknownTasksFailNamingTheRegisteredOnes(@Svc("task") TaskService tasks) throws Exception {
        TaskResult result = tasks.await(tasks.submit("nope", Map.of()), Duration.ofSeconds(10));
        assertThat(result.status()).isEqualTo(TaskStatus.FAILURE);
        assertThat(result.error()).contains("No handler for task 'nope'").contains("add");
        assertThat(result.attempts()).isZero(); // put back max_retries times, never started

        // A handler registered a moment after the submit still gets the task.
        String late = tasks.submit("late", Map.of());
        Thread.sleep(100);
        tasks.register("late", args -> "handled");
        assertThat(tasks.await(late, Duration.ofSeconds(10)).result()).isEqualTo("handled");
        assertThatThrownBy(() -> tasks.result("unknown-id")).isInstanceOf(java.util.NoSuchElementException.class);
        assertThatThrownBy(() -> tasks.submit("x", Map.of("bad", new Object())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arguments of task 'x'");
    }

    @Test
    void intervalAndOneOffSchedulesFire(@Svc("task") TaskService tasks) {
        AtomicInteger ticks = new AtomicInteger();
        AtomicInteger once = new AtomicInteger();
        tasks.register("tick", args -> ticks.incrementAndGet());
        tasks.register("once", args -> once.incrementAndGet());
        tasks.schedule(Schedule.every("ticker", "tick", Map.of(), 1, "seconds"));
        tasks.schedule(Schedule.once("single", "once", Map.of(), Instant.now().plusMillis(300)));
        assertThat(tasks.inspect().scheduled()).extracting(s -> s.schedule().name())
                .containsExactlyInAnyOrder("ticker", "single");
        await().atMost(Duration.ofSeconds(10)).until(() -> ticks.get() >= 2 && once.get() == 1);
        assertThat(tasks.inspect().scheduled()).extracting(s -> s.schedule().name()).containsExactly("ticker");
        assertThat(tasks.unschedule("ticker")).isTrue();
        assertThat(once.get()).isEqualTo(1);
    }

    @Test
    void badSchedulesAreRefusedClearly() {
        assertThatThrownBy(() -> Schedule.cron("c", "t", Map.of(), "61 * * * *"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("crontab '61 * * * *'");
        assertThatThrownBy(() -> Schedule.every("e", "t", Map.of(), 1, "weeks"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowed");
        Schedule cron = Schedule.cron("c", "t", Map.of(), "*/5 * * * *");
        Instant at = Instant.parse("2026-01-01T10:02:00Z");
        assertThat(cron.nextRunAfter(at, java.time.ZoneOffset.UTC)).isEqualTo(Instant.parse("2026-01-01T10:05:00Z"));
        Schedule every = Schedule.every("e", "t", Map.of(), 10, "seconds");
        // Missed runs are skipped, not replayed.
        assertThat(every.followingRun(at, at.plusSeconds(35), java.time.ZoneOffset.UTC)).isEqualTo(at.plusSeconds(40));
    }

    @Test
    void inspectShowsActiveAndReservedTasks(@Svc("task") TaskService tasks) throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        tasks.register("block", args -> {
            release.await();
            return null;
        });
        for (int i = 0; i < 3; i++) {
            tasks.submit("block", Map.of("i", i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> tasks.inspect().active().size() == 2);
        assertThat(tasks.inspect().reserved()).hasSize(1);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> tasks.inspect().active().isEmpty()
                && tasks.inspect().reserved().isEmpty());
    }

    @Test
    @JsOrcConfig(key = "TASK_CONFIG", json = "{\"enabled\": false}")
    void aDisabledServiceSaysSo(Orchestrator orchestrator) {
        TaskService tasks = orchestrator.svc("task", TaskService.class);
        assertThat(tasks.result("any").status()).isEqualTo(TaskStatus.DISABLED);
        assertThatThrownBy(() -> tasks.submit("t", Map.of())).isInstanceOf(ServiceNotRunningException.class)
                .hasMessageContaining("cannot submit 't'");
    }

    @Test
    @JsOrcConfig(key = "TASK_CONFIG", json = "{\"enabled\": true, \"backend\": \"kafka\"}")
    void anUnknownBackendFailsTheServiceNamingTheAllowedOnes(Orchestrator orchestrator) {
        CommonService<?> tasks = orchestrator.svc("task");
        assertThat(tasks.hasFailed()).isTrue();
        assertThat(tasks.error()).hasMessageContaining("'kafka'").hasMessageContaining("auto, redis, memory");
    }

    @Test
    void queuedTasksSurviveARefreshOfTheService(Orchestrator orchestrator) throws Exception {
        TaskService first = orchestrator.svc("task", TaskService.class);
        first.register("later", args -> "done");
        orchestrator.configUpdate("TASK_CONFIG", "concurrency", "0");
        TaskService idle = (TaskService) orchestrator.serviceRefresh("task");
        String id = idle.submit("later", Map.of());
        assertThat(idle.await(id, Duration.ofMillis(300)).status()).isEqualTo(TaskStatus.PENDING);
        orchestrator.configUpdate("TASK_CONFIG", "concurrency", "1");
        TaskService working = (TaskService) orchestrator.serviceRefresh("task");
        assertThat(working.await(id, Duration.ofSeconds(10)).result()).isEqualTo("done");
    }
}
