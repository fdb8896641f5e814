package io.jsorc.services.task;

import io.jsorc.base.Backoff;
import io.jsorc.base.Json;
import org.slf4j.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The worker side of one {@link TaskService} instance: its {@code worker} daemons take deliveries from the broker and
 * run their handlers, recording each attempt (success, retry with backoff, or failure), and its {@code lease} daemon
 * renews the deliveries whose handlers run, giving up those past {@code handler_timeout_ms} so another worker takes
 * them. Built in {@code postRun}, once per instance; the daemons are the service's (they end when it fails or is
 * discarded).
 */
final class TaskWorkers {

    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int TIMED_OUT = 2;

    /**
     * A delivery whose handler runs now; {@code state} goes RUNNING → DONE (the worker) or RUNNING → TIMED_OUT (the
     * lease daemon), exactly once.
     */
    private record Lease(String consumer, TaskBroker.Delivery delivery, String task, int attempt, long startedNanos,
                         AtomicInteger state) { }

    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
    private final TaskBroker broker;
    private final TaskService.Settings settings;
    /** {@code retry_backoff_ms} doubling per attempt, at most five minutes, without jitter; {@code null} for none. */
    private final Backoff retryBackoff;
    private final Supplier<TaskHandlers> handlers;
    /** The service's logger: worker messages keep the category operators configure for the task service. */
    private final Logger log;

    TaskWorkers(TaskBroker broker, TaskService.Settings settings, Backoff retryBackoff,
                Supplier<TaskHandlers> handlers, Logger log) {
        this.broker = broker;
        this.settings = settings;
        this.retryBackoff = retryBackoff;
        this.handlers = handlers;
        this.log = log;
    }

    /** Takes and runs tasks as {@code consumer} until interrupted; runs on a {@code worker} daemon. */
    void work(String consumer) {
        Duration poll = settings.poll();
        Duration visibility = settings.visibility();
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
                    if (delivery.isPresent() && !execute(consumer, delivery.get())) {
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
    private boolean execute(String consumer, TaskBroker.Delivery delivery) {
        Optional<TaskResult> record = broker.result(delivery.id());
        if (record.isEmpty() || record.get().isDone()) {
            broker.ack(delivery); // expired, or a redelivered copy of a task that finished meanwhile
            return true;
        }
        TaskResult task = record.get();
        TaskHandler handler = handlers.get().get(task.task());
        if (handler == null) {
            // Another worker may have the handler, or this one once the host registers it (start-up race): put it
            // back without counting an attempt; fail it only when nobody took it for max_retries + 1 rounds.
            String error = "No handler for task '" + task.task() + "' in worker " + consumer + "; registered: "
                    + handlers.get().names();
            int rounds = broker.retryUnhandled(task.id(), error, Instant.now().plus(retryDelay(1)));
            if (rounds > settings.maxRetries()) {
                broker.finish(task.id(), TaskStatus.FAILURE, null, error, settings.ttl());
            }
            broker.ack(delivery);
            return true;
        }
        if (task.attempts() > settings.maxRetries()) {
            // Started max_retries + 1 times and never finished: each time its worker died with it (killed, out of
            // memory, System.exit). Run again, it would take down one worker after another for ever.
            broker.finish(task.id(), TaskStatus.FAILURE, null, "Task '" + task.task() + "' was started "
                    + task.attempts() + " times and never finished: its worker died each time; not run again",
                    settings.ttl());
            broker.ack(delivery);
            return true;
        }
        broker.started(task.id(), consumer);
        Lease lease = new Lease(consumer, delivery, task.task(), task.attempts() + 1, System.nanoTime(),
                new AtomicInteger(RUNNING));
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
                    broker.finish(task.id(), TaskStatus.SUCCESS, Json.write(result), null, settings.ttl());
                } catch (IllegalArgumentException e) {
                    log.debug("Task {} returned after its timeout with a value that is not JSON", task.id());
                }
            }
            log.info("Task {} ('{}') returned {} ms after its start, past handler_timeout_ms ({} ms){}", task.id(),
                    task.task(), (System.nanoTime() - lease.startedNanos()) / 1_000_000,
                    settings.handlerTimeout().toMillis(), failure == null ? "" : ": " + failure);
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
            if (failure == null && !broker.finish(task.id(), TaskStatus.SUCCESS, json, null, settings.ttl())) {
                log.debug("Task {} was already finished by another worker; this result is dropped", task.id());
            }
        }
        if (failure != null) {
            int attempts = task.attempts() + 1;
            if (attempts <= settings.maxRetries()) {
                broker.retryLater(task.id(), failure.toString(), Instant.now().plus(retryDelay(attempts)));
            } else {
                broker.finish(task.id(), TaskStatus.FAILURE, null, failure.toString(), settings.ttl());
            }
        }
        broker.ack(delivery);
        return true;
    }

    /**
     * Renews the deliveries of the handlers that run now, and gives up those past {@code handler_timeout_ms}; runs on
     * the {@code lease} daemon until interrupted.
     */
    void renewLeases() {
        long every = Math.max(50, Math.min(settings.visibility().toMillis() / 3,
                settings.handlerTimeout().toMillis() / 4));
        long timeout = settings.handlerTimeout().toNanos();
        while (!Thread.currentThread().isInterrupted()) {
            for (Lease lease : leases.values()) {
                if (System.nanoTime() - lease.startedNanos() > timeout) {
                    if (lease.state().compareAndSet(RUNNING, TIMED_OUT)) {
                        leases.remove(lease.delivery().tag(), lease);
                        timedOut(lease);
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
    private void timedOut(Lease lease) {
        String id = lease.delivery().id();
        String error = "Task '" + lease.task() + "' handler exceeded handler_timeout_ms ("
                + settings.handlerTimeout().toMillis() + " ms) in worker " + lease.consumer() + " (attempt "
                + lease.attempt() + ")";
        try {
            if (lease.attempt() > settings.maxRetries()) {
                broker.finish(id, TaskStatus.FAILURE, null, error, settings.ttl());
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

    /** {@return how long a task waits before its {@code attempt}-th retry (from 1)} */
    private Duration retryDelay(int attempt) {
        return retryBackoff == null ? Duration.ZERO : Duration.ofNanos(retryBackoff.delayNanos(attempt));
    }

    /** {@return false when interrupted while sleeping (the interrupt is kept)} */
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
