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
import java.util.Optional;
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

    /** The bound config. */
    record Settings(String backend, String queue, Integer concurrency, Long visibility_timeout_ms,
                    Integer max_retries, Long retry_backoff_ms, Long result_ttl_s, Long poll_ms, Boolean scheduler,
                    Long scheduler_tick_ms, String timezone, Long handler_timeout_ms) {

        String queueName() {
            return queue == null || queue.isBlank() ? "default" : queue;
        }
    }

    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int TIMED_OUT = 2;

    /**
     * A delivery whose handler runs now; {@code state} goes RUNNING → DONE (the worker) or RUNNING → TIMED_OUT (the
     * lease daemon), exactly once.
     */
    private record Lease(String consumer, TaskBroker.Delivery delivery, String task, int attempt, long startedNanos,
                         java.util.concurrent.atomic.AtomicInteger state) { }

    private final Map<String, Lease> leases = new java.util.concurrent.ConcurrentHashMap<>();
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
            return new RedisTaskBroker(() -> context().svc("redis", RedisService.class), s.queueName(), ttl());
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
        for (int i = 1; i <= workers; i++) {
            String consumer = consumerPrefix + "-" + i;
            spawnDaemon(i == 1 ? "worker" : "worker-" + i, () -> work(consumer));
        }
        if (workers > 0) {
            spawnDaemon("lease", this::renewLeases);
        }
        if (!Boolean.FALSE.equals(settings.scheduler())) {
            Duration tick = Duration.ofMillis(settings.scheduler_tick_ms() == null ? 200 : settings.scheduler_tick_ms());
            TaskBroker broker = app();
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

    // ------------------------------------------------------------------ daemons

    private void work(String consumer) {
        Duration poll = Duration.ofMillis(settings.poll_ms() == null ? 500 : settings.poll_ms());
        Duration visibility = visibility();
        TaskBroker broker = app();
        long lastPromotion = 0;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    if (System.nanoTime() - lastPromotion > 250_000_000L) {
                        // Workers promote due retries too, so retries run without a scheduler daemon.
                        broker.promoteDueRetries(Instant.now());
                        lastPromotion = System.nanoTime();
                    }
                    Optional<TaskBroker.Delivery> delivery = broker.take(consumer, poll, visibility);
                    if (delivery.isPresent() && !execute(broker, consumer, delivery.get())) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // A broker error never ends a worker: the task stays unacknowledged and is handed out again.
                    log.debug("Worker {}: {}", consumer, e.toString());
                    if (!pause(poll)) {
                        return;
                    }
                }
            }
        } finally {
            broker.release(consumer);
        }
    }

    /** {@return false when interrupted (the task stays unacknowledged and is handed out again)} */
    private boolean execute(TaskBroker broker, String consumer, TaskBroker.Delivery delivery) {
        Optional<TaskResult> record = broker.result(delivery.id());
        if (record.isEmpty() || record.get().isDone()) {
            broker.ack(delivery); // expired, or a redelivered copy of a task that finished meanwhile
            return true;
        }
        TaskResult task = record.get();
        TaskHandler handler = handlers().get(task.task());
        if (handler == null) {
            // Another worker may have the handler, or this one once the host registers it (start-up race): put it
            // back without counting an attempt; fail it only when nobody took it for max_retries + 1 rounds.
            String error = "No handler for task '" + task.task() + "' in worker " + consumer + "; registered: "
                    + handlers().names();
            int rounds = broker.retryUnhandled(task.id(), error, Instant.now().plus(retryDelay(1)));
            if (rounds > maxRetries()) {
                broker.finish(task.id(), TaskStatus.FAILURE, null, error, ttl());
            }
            broker.ack(delivery);
            return true;
        }
        broker.started(task.id(), consumer);
        Lease lease = new Lease(consumer, delivery, task.task(), task.attempts() + 1, System.nanoTime(),
                new java.util.concurrent.atomic.AtomicInteger(RUNNING));
        leases.put(delivery.tag(), lease);
        Object result;
        Exception failure = null;
        try {
            result = handler.handle(task.args());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            result = null;
            failure = e;
        } finally {
            leases.remove(delivery.tag(), lease);
        }
        if (!lease.state().compareAndSet(RUNNING, DONE)) {
            // Past handler_timeout_ms: the attempt was recorded as a timeout and the delivery given up, so another
            // worker may hold it now. A late success is still recorded (exactly once); a late failure changes
            // nothing. No ack: the delivery is no longer this worker's (whoever takes it next sees a final record).
            if (failure == null) {
                try {
                    broker.finish(task.id(), TaskStatus.SUCCESS, Json.write(result), null, ttl());
                } catch (IllegalArgumentException e) {
                    log.debug("Task {} returned after its timeout with a value that is not JSON", task.id());
                }
            }
            log.info("Task {} ('{}') returned {} ms after its start, past handler_timeout_ms ({} ms){}", task.id(),
                    task.task(), (System.nanoTime() - lease.startedNanos()) / 1_000_000, handlerTimeout().toMillis(),
                    failure == null ? "" : ": " + failure);
            return true;
        }
        // Recording is outside the handler's try: a failed recording is a broker error, never a handler failure.
        if (failure == null) {
            String json;
            try {
                json = Json.write(result);
            } catch (IllegalArgumentException e) {
                json = null;
                failure = new IllegalArgumentException("Task '" + task.task() + "' returned a value that is not "
                        + "JSON-compatible: " + e.getMessage(), e);
            }
            if (failure == null && !broker.finish(task.id(), TaskStatus.SUCCESS, json, null, ttl())) {
                log.debug("Task {} was already finished by another worker; this result is dropped", task.id());
            }
        }
        if (failure != null) {
            int attempts = task.attempts() + 1;
            if (attempts <= maxRetries()) {
                broker.retryLater(task.id(), failure.toString(), Instant.now().plus(retryDelay(attempts)));
            } else {
                broker.finish(task.id(), TaskStatus.FAILURE, null, failure.toString(), ttl());
            }
        }
        broker.ack(delivery);
        return true;
    }

    private void renewLeases() {
        TaskBroker broker = app();
        long every = Math.max(50, Math.min(visibility().toMillis() / 3, handlerTimeout().toMillis() / 4));
        long timeout = handlerTimeout().toNanos();
        while (!Thread.currentThread().isInterrupted()) {
            for (Lease lease : leases.values()) {
                if (System.nanoTime() - lease.startedNanos() > timeout) {
                    if (lease.state().compareAndSet(RUNNING, TIMED_OUT)) {
                        leases.remove(lease.delivery().tag(), lease);
                        timedOut(broker, lease);
                    }
                    continue;
                }
                try {
                    broker.renew(lease.consumer(), lease.delivery());
                } catch (RuntimeException e) {
                    log.debug("Renewing the lease of task {} failed: {}", lease.delivery().id(), e.toString());
                }
            }
            if (!pause(Duration.ofMillis(every))) {
                return;
            }
        }
    }

    /**
     * Gives up a hung handler's delivery: its lease is no longer renewed, so another worker claims the task after the
     * visibility timeout; the attempt is recorded as a timeout ({@code RETRY}, or {@code FAILURE} when it was the
     * last one). The hung thread itself cannot be stopped safely; it keeps its worker until the handler returns.
     */
    private void timedOut(TaskBroker broker, Lease lease) {
        String id = lease.delivery().id();
        String error = "Task '" + lease.task() + "' handler exceeded handler_timeout_ms (" + handlerTimeout().toMillis()
                + " ms) in worker " + lease.consumer() + " (attempt " + lease.attempt() + ")";
        try {
            if (lease.attempt() > maxRetries()) {
                broker.finish(id, TaskStatus.FAILURE, null, error, ttl());
                log.warn("{}; no retry left: FAILURE", error);
            } else {
                broker.timedOut(id, error);
                log.warn("{}; another worker takes it after visibility_timeout_ms", error);
            }
        } catch (RuntimeException e) {
            // The lease is not renewed either way, so the task is still handed on; only the record lags.
            log.debug("Recording the timeout of task {} failed: {}", id, e.toString());
        }
    }

    private Duration handlerTimeout() {
        return Duration.ofMillis(settings.handler_timeout_ms() == null ? 600_000 : settings.handler_timeout_ms());
    }

    private Duration visibility() {
        return Duration.ofMillis(settings.visibility_timeout_ms() == null ? 30_000 : settings.visibility_timeout_ms());
    }

    private int maxRetries() {
        return settings.max_retries() == null ? 3 : settings.max_retries();
    }

    /** {@return how long a task waits before its {@code attempt}-th retry (from 1)} */
    private Duration retryDelay(int attempt) {
        Backoff backoff = retryBackoff;
        return backoff == null ? Duration.ZERO : Duration.ofNanos(backoff.delayNanos(attempt));
    }

    private Duration ttl() {
        return Duration.ofSeconds(settings.result_ttl_s() == null ? 86_400 : settings.result_ttl_s());
    }

    static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
