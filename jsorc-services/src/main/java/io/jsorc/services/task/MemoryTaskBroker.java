package io.jsorc.services.task;

import io.jsorc.base.Json;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-JVM task broker: a blocking queue, records and schedules in memory. <b>Single process</b>: nothing is shared
 * with other replicas and nothing survives the JVM. Used when Redis is not available ({@code backend: memory}, or
 * {@code auto} without a running redis service).
 */
public final class MemoryTaskBroker implements TaskBroker {

    private static final class Record {
        final String id;
        final String task;
        final Map<String, Object> args;
        final Instant submitted;
        volatile TaskStatus status = TaskStatus.PENDING;
        volatile String resultJson;
        volatile String error;
        volatile int attempts;
        volatile int unhandled;
        volatile Instant finished;
        volatile Instant expiresAt;

        Record(String id, String task, Map<String, Object> args) {
            this.id = id;
            this.task = task;
            this.args = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args)); // JSON nulls too
            this.submitted = Instant.now();
        }

        synchronized TaskResult snapshot() {
            return new TaskResult(id, task, args, status, resultJson == null ? null
                    : Json.parseValue(resultJson, "task result"), error, attempts, submitted, finished);
        }
    }

    private record InFlight(String id, long deliveredNanos) { }

    private final Map<String, Record> records = new ConcurrentHashMap<>();
    private final LinkedBlockingDeque<String> queue = new LinkedBlockingDeque<>();
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, Instant> delayed = new ConcurrentSkipListMap<>();
    private final Map<String, ScheduleState> schedules = new ConcurrentHashMap<>();
    private final AtomicLong tags = new AtomicLong();

    @Override
    public String kind() {
        return "memory";
    }

    private static final long EXPIRY_INTERVAL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private final java.util.concurrent.atomic.AtomicLong lastExpiry = new java.util.concurrent.atomic.AtomicLong(
            System.nanoTime());

    @Override
    public void enqueue(String id, String task, Map<String, Object> args) {
        expireIfDue();
        records.put(id, new Record(id, task, args));
        queue.add(id);
    }

    @Override
    public Optional<Delivery> take(String consumer, Duration wait, Duration visibility) throws InterruptedException {
        long now = System.nanoTime();
        for (Map.Entry<String, InFlight> entry : inFlight.entrySet()) {
            if (now - entry.getValue().deliveredNanos() > visibility.toNanos()) {
                String tag = "m-" + tags.incrementAndGet();
                if (inFlight.remove(entry.getKey(), entry.getValue())) {
                    inFlight.put(tag, new InFlight(entry.getValue().id(), now));
                    return Optional.of(new Delivery(entry.getValue().id(), tag, true));
                }
            }
        }
        String id = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (id == null) {
            return Optional.empty();
        }
        String tag = "m-" + tags.incrementAndGet();
        inFlight.put(tag, new InFlight(id, System.nanoTime()));
        return Optional.of(new Delivery(id, tag, false));
    }

    @Override
    public void started(String id, String consumer) {
        Record record = records.get(id);
        if (record != null) {
            synchronized (record) {
                if (!record.status.isDone()) {
                    record.status = TaskStatus.STARTED;
                    record.attempts++;
                }
            }
        }
    }

    @Override
    public boolean finish(String id, TaskStatus status, String resultJson, String error, Duration ttl) {
        expireIfDue();
        Record record = records.get(id);
        if (record == null) {
            return false;
        }
        synchronized (record) {
            if (record.status.isDone()) {
                return false;
            }
            record.status = status;
            record.resultJson = resultJson;
            record.error = error;
            record.finished = Instant.now();
            record.expiresAt = record.finished.plus(ttl);
            return true;
        }
    }

    @Override
    public void retryLater(String id, String error, Instant when) {
        Record record = records.get(id);
        if (record != null) {
            synchronized (record) {
                if (record.status.isDone()) {
                    return;
                }
                record.status = TaskStatus.RETRY;
                record.error = error;
            }
            delayed.put(id, when);
        }
    }

    @Override
    public void renew(String consumer, Delivery delivery) {
        inFlight.computeIfPresent(delivery.tag(), (tag, flight) -> new InFlight(flight.id(), System.nanoTime()));
    }

    @Override
    public int retryUnhandled(String id, String error, Instant when) {
        Record record = records.get(id);
        if (record == null) {
            return 0;
        }
        int count;
        synchronized (record) {
            if (record.status.isDone()) {
                return 0;
            }
            record.status = TaskStatus.RETRY;
            record.error = error;
            count = ++record.unhandled;
        }
        delayed.put(id, when);
        return count;
    }

    @Override
    public void ack(Delivery delivery) {
        inFlight.remove(delivery.tag());
    }

    @Override
    public Optional<TaskResult> result(String id) {
        Record record = records.get(id);
        return record == null ? Optional.empty() : Optional.of(record.snapshot());
    }

    @Override
    public int promoteDueRetries(Instant now) {
        int count = 0;
        for (Map.Entry<String, Instant> entry : delayed.entrySet()) {
            if (!entry.getValue().isAfter(now) && delayed.remove(entry.getKey(), entry.getValue())) {
                queue.add(entry.getKey());
                count++;
            }
        }
        return count;
    }

    @Override
    public void putSchedule(Schedule schedule, Instant firstRun) {
        schedules.compute(schedule.name(), (name, existing) ->
                existing != null && existing.schedule().equals(schedule) ? existing
                        : new ScheduleState(schedule, firstRun));
    }

    @Override
    public boolean removeSchedule(String name) {
        return schedules.remove(name) != null;
    }

    @Override
    public List<ScheduleState> schedules() {
        return List.copyOf(schedules.values());
    }

    @Override
    public boolean claimRun(String name, Instant expected, Instant next) {
        boolean[] claimed = {false};
        schedules.computeIfPresent(name, (n, state) -> {
            if (!state.nextRun().equals(expected)) {
                return state;
            }
            claimed[0] = true;
            return next == null ? null : new ScheduleState(state.schedule(), next);
        });
        return claimed[0];
    }

    @Override
    public boolean claimAndEnqueue(String name, Instant expected, Instant next, String id, String task,
                                   Map<String, Object> args) {
        boolean[] claimed = {false};
        schedules.computeIfPresent(name, (n, state) -> {
            if (!state.nextRun().equals(expected)) {
                return state;
            }
            enqueue(id, task, args); // in memory it cannot fail half-way; inside compute, so no other claim races it
            claimed[0] = true;
            return next == null ? null : new ScheduleState(state.schedule(), next);
        });
        return claimed[0];
    }

    @Override
    public boolean timedOut(String id, String error) {
        Record record = records.get(id);
        if (record == null) {
            return false;
        }
        synchronized (record) {
            if (record.status.isDone()) {
                return false;
            }
            record.status = TaskStatus.RETRY;
            record.error = error;
            return true;
        }
    }

    @Override
    public List<TaskResult> active() {
        List<TaskResult> out = new ArrayList<>();
        for (InFlight flight : inFlight.values()) {
            result(flight.id()).filter(r -> r.status() == TaskStatus.STARTED).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public List<TaskResult> reserved() {
        List<TaskResult> out = new ArrayList<>();
        queue.forEach(id -> result(id).ifPresent(out::add));
        delayed.keySet().forEach(id -> result(id).ifPresent(out::add));
        return out;
    }

    @Override
    public void expire() {
        Instant now = Instant.now();
        records.values().removeIf(r -> r.expiresAt != null && r.expiresAt.isBefore(now));
    }

    /**
     * Expires finished records at most once a second, from the calls that add records: with {@code scheduler: false}
     * no scheduler daemon expires them, and a busy queue would otherwise keep every result forever.
     */
    private void expireIfDue() {
        long now = System.nanoTime();
        long last = lastExpiry.get();
        if (now - last >= EXPIRY_INTERVAL_NANOS && lastExpiry.compareAndSet(last, now)) {
            expire();
        }
    }

    @Override
    public boolean healthy() {
        return true;
    }

    @Override
    public void close() {
        // Memory only.
    }
}
