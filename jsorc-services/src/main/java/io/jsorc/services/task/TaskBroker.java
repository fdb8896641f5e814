package io.jsorc.services.task;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the task service keeps its queue, task records and schedules: Redis ({@link RedisTaskBroker}, shared by
 * every replica) or the JVM's memory ({@link MemoryTaskBroker}, single process).
 */
public interface TaskBroker extends AutoCloseable {

    /**
     * A task handed to a worker.
     *
     * @param id         the task id
     * @param tag        the broker's delivery tag (for {@link #ack})
     * @param redelivery whether an earlier delivery timed out (its worker died or hung)
     */
    record Delivery(String id, String tag, boolean redelivery) { }

    /**
     * A schedule as stored, with its next run.
     *
     * @param schedule the schedule
     * @param nextRun  when it fires next
     */
    record ScheduleState(Schedule schedule, Instant nextRun) { }

    /** {@return {@code redis} or {@code memory}} */
    String kind();

    /**
     * Stores the task as {@code PENDING} and queues it.
     *
     * @param id   a new task id
     * @param task the task name
     * @param args its arguments
     */
    void enqueue(String id, String task, Map<String, Object> args);

    /**
     * Hands out the next task: first one whose delivery timed out ({@code visibility}), else a new one, waiting up
     * to {@code wait}.
     *
     * @param consumer   the worker's unique name
     * @param wait       how long to wait for a task
     * @param visibility after how long an unacknowledged delivery is handed out again
     * @return the delivery, or empty
     * @throws InterruptedException when interrupted while waiting
     */
    Optional<Delivery> take(String consumer, Duration wait, Duration visibility) throws InterruptedException;

    /**
     * Marks a task {@code STARTED} by {@code consumer} and counts the attempt.
     *
     * @param id       the task id
     * @param consumer the worker
     */
    void started(String id, String consumer);

    /**
     * Records the final state, exactly once: a second finish of the same task (a redelivered copy) changes nothing.
     *
     * @param id         the task id
     * @param status     {@code SUCCESS} or {@code FAILURE}
     * @param resultJson the result as JSON (or {@code null})
     * @param error      the error (or {@code null})
     * @param ttl        how long the record is kept afterwards
     * @return whether this call recorded it
     */
    boolean finish(String id, TaskStatus status, String resultJson, String error, Duration ttl);

    /**
     * Marks the task {@code RETRY} and queues it again at {@code when} — unless it already has a final state (a
     * late copy must not undo a recorded result).
     *
     * @param id    the task id
     * @param error the failure
     * @param when  when to run it again
     */
    void retryLater(String id, String error, Instant when);

    /**
     * Puts back a task this process has no handler for (another worker may have one, or this one will after its
     * handlers are registered): {@code RETRY} at {@code when}, not counted as an attempt.
     *
     * @param id    the task id
     * @param error why it was put back
     * @param when  when to hand it out again
     * @return how many times the task was put back so far
     */
    int retryUnhandled(String id, String error, Instant when);

    /**
     * Renews a delivery's lease while its handler runs (at most {@code handler_timeout_ms}), so it is not handed to
     * another worker after the visibility timeout: only a worker that died, or a handler that ran past its timeout,
     * loses its task.
     *
     * @param consumer the worker holding it
     * @param delivery the delivery
     */
    void renew(String consumer, Delivery delivery);

    /**
     * Forgets a worker that stops (its deliveries, if any, stay claimable by others).
     *
     * @param consumer the worker
     */
    default void release(String consumer) {
    }

    /**
     * Removes a delivery from the queue (the task finished, failed for good, or was re-queued).
     *
     * @param delivery the delivery
     */
    void ack(Delivery delivery);

    /**
     * Returns a task's result as far as it is known.
     *
     * @param id a task id
     * @return its record, or empty when unknown or expired
     */
    Optional<TaskResult> result(String id);

    /**
     * Queues the retries that are due.
     *
     * @param now now
     * @return how many were queued
     */
    int promoteDueRetries(Instant now);

    /**
     * Stores a schedule; an identical stored schedule keeps its next run.
     *
     * @param schedule the schedule
     * @param firstRun its first run, used when it is new or changed
     */
    void putSchedule(Schedule schedule, Instant firstRun);

    /**
     * Removes a schedule; nothing happens when there is none.
     *
     * @param name a schedule name
     * @return whether it existed
     */
    boolean removeSchedule(String name);

    /** {@return every stored schedule with its next run} */
    List<ScheduleState> schedules();

    /**
     * Claims a due run (compare-and-set of the next run): of several schedulers, exactly one succeeds.
     *
     * @param name     the schedule name
     * @param expected the next run the caller saw
     * @param next     the run after it, or {@code null} to remove the schedule (one-off)
     * @return whether this caller claimed the run
     */
    boolean claimRun(String name, Instant expected, Instant next);

    /**
     * Claims a due run like {@link #claimRun} and queues its task in the same atomic step: a claimed run is always
     * queued, and a run that cannot be queued stays due (the next scheduler tick tries again).
     *
     * @param name     the schedule name
     * @param expected the next run the caller saw
     * @param next     the run after it, or {@code null} to remove the schedule (one-off)
     * @param id       the new task's id
     * @param task     the task name
     * @param args     its arguments
     * @return whether this caller claimed the run (and queued the task)
     */
    boolean claimAndEnqueue(String name, Instant expected, Instant next, String id, String task,
                            Map<String, Object> args);

    /**
     * Records that the handler of a running task exceeded {@code handler_timeout_ms}: {@code RETRY} with the error,
     * unless the task is final. Its lease is no longer renewed, so another worker claims the delivery after the
     * visibility timeout.
     *
     * @param id    the task id
     * @param error the timeout, as the result's error
     * @return whether the record was marked (false: already final, or gone)
     */
    boolean timedOut(String id, String error);

    /** {@return tasks being run now} */
    List<TaskResult> active();

    /** {@return tasks queued and not taken yet (including retries waiting for their time)} */
    List<TaskResult> reserved();

    /** Drops finished records whose TTL passed (a no-op where the store expires them itself). */
    void expire();

    /** {@return whether the backing store answers} */
    boolean healthy();

    @Override
    void close();
}
