package io.jsorc.services.task;

import io.jsorc.CommonService;
import io.jsorc.Service;
import io.jsorc.ServiceNotRunningException;
import io.jsorc.base.Backoff;
import io.jsorc.base.Json;
import io.jsorc.services.redis.RedisService;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code task} service, a distributed task queue in the manner of Celery: hosts submit named tasks, workers run
 * them asynchronously, a scheduler submits them on intervals, crontabs or once.
 *
 * <p>Backends ({@code TASK_CONFIG.backend}): {@code redis} — a Redis Stream with a consumer group, shared by every
 * replica, reliable across worker deaths (see {@link RedisTaskBroker}); {@code memory} — an in-JVM queue,
 * <b>single process only</b> (see {@link MemoryTaskBroker}); {@code auto} (default) — redis when the redis service
 * is enabled (the task service then fails, and is regenerated, while Redis is down), else memory.
 *
 * <p>While a handler runs, a {@code lease} daemon renews its delivery every third of the visibility timeout, for at
 * most {@code handler_timeout_ms}: a task is handed to another worker only when its worker died, or when its handler
 * ran past {@code handler_timeout_ms}. Then the attempt is recorded as a timeout (the error says the handler exceeded
 * handler_timeout_ms; {@code RETRY}, or {@code FAILURE} when it was the last attempt) and the lease is no longer
 * renewed, so another worker claims the task after the visibility timeout. The hung thread is not stopped: it keeps
 * its worker slot until the handler returns (a late success is still recorded, a late failure is dropped).
 * Execution is at least once, the result is recorded exactly once.
 *
 * <p>On Redis a task's record and its queue entry are written by one script, and a due schedule run is claimed and
 * queued by one script, so neither is ever half done. A record that cannot be read (corrupt status, arguments,
 * attempts...) is quarantined as {@code FAILURE} with the parse error by whoever reads it first, and acknowledged.
 *
 * <p>Config: {@code queue} (name, default {@code default}), {@code concurrency} (worker daemons, default 2; 0 makes a
 * submit-only replica), {@code visibility_timeout_ms} (default 30000: a task not acknowledged by then is handed to
 * another worker), {@code handler_timeout_ms} (default 600000: how long a handler may run before its task is retried
 * elsewhere), {@code max_retries} (default 3), {@code retry_backoff_ms} (default 1000, doubling per attempt),
 * {@code result_ttl_s} (default 86400), {@code poll_ms} (default 500), {@code scheduler} (default true),
 * {@code scheduler_tick_ms} (default 200), {@code timezone} for crontabs (default UTC).
 */
@Service(name = "task")
public class TaskService extends CommonService<TaskBroker> {

    private static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(5);

    /** The bound config; the methods below apply the defaults the class comment lists. */
    record Settings(String backend, String queue, Integer concurrency, Long visibility_timeout_ms,
                    Integer max_retries, Long retry_backoff_ms, Long result_ttl_s, Long poll_ms, Boolean scheduler,
                    Long scheduler_tick_ms, String timezone, Long handler_timeout_ms) {

        String queueName() {
            return queue == null || queue.isBlank() ? "default" : queue;
        }

        Duration schedulerTick() {
            return Duration.ofMillis(scheduler_tick_ms == null ? 200 : scheduler_tick_ms);
        }

        Duration poll() {
            return Duration.ofMillis(poll_ms == null ? 500 : poll_ms);
        }

        Duration handlerTimeout() {
            return Duration.ofMillis(handler_timeout_ms == null ? 600_000 : handler_timeout_ms);
        }

        Duration visibility() {
            return Duration.ofMillis(visibility_timeout_ms == null ? 30_000 : visibility_timeout_ms);
        }

        int maxRetries() {
            return max_retries == null ? 3 : max_retries;
        }

        Duration ttl() {
            return Duration.ofSeconds(result_ttl_s == null ? 86_400 : result_ttl_s);
        }
    }

    private volatile Settings settings;
    /** {@code retry_backoff_ms} doubling per attempt, at most five minutes, without jitter; {@code null} for none. */
    private volatile Backoff retryBackoff;
    private volatile ZoneId zone;
    private final String consumerPrefix = ManagementFactory.getRuntimeMXBean().getName().replace('@', '-') + "-"
            + UUID.randomUUID().toString().substring(0, 8);

    /** Built by the orchestrator. */
    public TaskService() {
    }

    @Override
    protected TaskBroker run() {
        Settings s = config(Settings.class);
        String backend = s.backend() == null ? "auto" : s.backend();
        if (!Set.of("auto", "redis", "memory").contains(backend)) {
            throw new IllegalArgumentException("TASK_CONFIG.backend is '" + backend
                    + "'; allowed: auto, redis, memory");
        }
        zone = ZoneId.of(s.timezone() == null ? "UTC" : s.timezone());
        long firstRetryMillis = s.retry_backoff_ms() == null ? 1000 : s.retry_backoff_ms();
        retryBackoff = firstRetryMillis <= 0 ? null : Backoff.exponential(
                Duration.ofMillis(Math.min(firstRetryMillis, MAX_RETRY_DELAY.toMillis())), MAX_RETRY_DELAY)
                .withJitter(0);
        if (s.handler_timeout_ms() != null && s.handler_timeout_ms() <= 0) {
            throw new IllegalArgumentException("TASK_CONFIG.handler_timeout_ms is " + s.handler_timeout_ms()
                    + "; it must be > 0");
        }
        settings = s;
        RedisService redis = context().svc("redis", RedisService.class);
        // auto follows the redis service's config, not its current state: a Redis outage must fail (and regenerate)
        // this service, never move it silently onto a private in-memory queue.
        boolean useRedis = backend.equals("redis") || (backend.equals("auto") && redis.isEnabled());
        if (useRedis) {
            if (!redis.isRunning()) {
                throw new ServiceNotRunningException("The task queue needs Redis (TASK_CONFIG.backend " + backend
                        + "), but the redis service is " + redis.state()
                        + (redis.error() == null ? "" : ": " + redis.error().getMessage()));
            }
            return new RedisTaskBroker(() -> context().svc("redis", RedisService.class), s.queueName(), s.ttl());
        }
        log.info("Task service '{}' runs on the in-memory broker: single process, nothing survives the JVM", name());
        return context().shared(MemoryTaskBroker.class.getName() + ":" + s.queueName(), MemoryTaskBroker::new);
    }

    @Override
    protected void postRun() {
        int workers = settings.concurrency() == null ? 2 : settings.concurrency();
        if (workers < 0) {
            throw new IllegalArgumentException("TASK_CONFIG.concurrency is " + workers + "; it must be >= 0");
        }
        TaskBroker broker = app();
        TaskWorkers pool = new TaskWorkers(broker, settings, retryBackoff, this::handlers, log);
        for (int i = 1; i <= workers; i++) {
            String consumer = consumerPrefix + "-" + i;
            spawnDaemon(i == 1 ? "worker" : "worker-" + i, () -> pool.work(consumer));
        }
        if (workers > 0) {
            spawnDaemon("lease", pool::renewLeases);
        }
        if (!Boolean.FALSE.equals(settings.scheduler())) {
            Duration tick = settings.schedulerTick();
            ZoneId scheduleZone = zone;
            spawnDaemon("scheduler", () -> TaskScheduler.run(broker, scheduleZone, tick));
        }
    }

    @Override
    public boolean healthy() {
        TaskBroker broker = app();
        return isRunning() && broker != null && broker.healthy();
    }

    /** {@return {@code redis} or {@code memory}} */
    public String backend() {
        return poke().kind();
    }

    // ------------------------------------------------------------------ API

    /**
     * Registers a handler for this orchestrator (it survives refreshes of the service).
     *
     * @param task    the task name
     * @param handler what runs it
     */
    public void register(String task, TaskHandler handler) {
        handlers().register(task, handler);
    }

    /**
     * Queues a task.
     *
     * @param task the task name
     * @param args its arguments (JSON-compatible)
     * @return the task id
     * @throws ServiceNotRunningException when the service is not running
     * @throws IllegalArgumentException   when the name is blank or the arguments are not JSON-compatible
     */
    public String submit(String task, Map<String, Object> args) {
        TaskBroker broker = poke("Task service is not running (" + state() + "); cannot submit '" + task + "'");
        if (task == null || task.isBlank()) {
            throw new IllegalArgumentException("A task name is required");
        }
        Map<String, Object> checked;
        try {
            checked = args == null ? Map.of() : Json.parseObject(Json.write(args), "arguments of task '" + task + "'");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The arguments of task '" + task + "' must be JSON-compatible "
                    + "(maps, lists, strings, numbers, booleans, null): " + e.getMessage(), e);
        }
        String id = UUID.randomUUID().toString();
        broker.enqueue(id, task, checked);
        return id;
    }

    /**
     * Reads a task's state.
     *
     * @param id a task id
     * @return the task's state; {@code DISABLED} when the service is not running
     * @throws java.util.NoSuchElementException when the id is unknown (or its result expired)
     */
    public TaskResult result(String id) {
        TaskBroker broker = app();
        if (!isRunning() || broker == null) {
            return TaskResult.disabled(id);
        }
        return broker.result(id).orElseThrow(() -> new java.util.NoSuchElementException(
                "No task '" + id + "' (unknown, or its result expired after result_ttl_s)"));
    }

    /**
     * Waits until the task is done or the timeout passes.
     *
     * @param id      a task id
     * @param timeout how long to wait
     * @return the task's state at the end of the wait (done, or not yet)
     * @throws InterruptedException when interrupted
     */
    public TaskResult await(String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        TaskResult current = result(id);
        while (!current.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            // Through the orchestrator: this instance may have been refreshed (briefly DISABLED) meanwhile.
            current = context().svc(name(), TaskService.class).result(id);
        }
        return current;
    }

    /**
     * Stores a schedule (shared by every replica on the same broker); an identical one keeps its next run.
     *
     * @param schedule the schedule
     */
    public void schedule(Schedule schedule) {
        TaskBroker broker = poke();
        Instant first = schedule.nextRunAfter(Instant.now(), zone);
        if (first == null) {
            throw new IllegalArgumentException("Schedule '" + schedule.name() + "' never runs (a one-off in the past: "
                    + schedule.at() + ")");
        }
        broker.putSchedule(schedule, first);
    }

    /**
     * Removes a schedule.
     *
     * @param name a schedule name
     * @return whether it existed
     */
    public boolean unschedule(String name) {
        return poke().removeSchedule(name);
    }

    /** {@return schedules, running tasks and queued tasks} */
    public TaskInspection inspect() {
        TaskBroker broker = poke();
        return new TaskInspection(broker.schedules(), broker.active(), broker.reserved());
    }

    /** {@return the names of the handlers this process can run} */
    public Set<String> handlerNames() {
        return handlers().names();
    }

    private TaskHandlers handlers() {
        return context().shared(TaskHandlers.class, () -> new TaskHandlers(context()));
    }
}
