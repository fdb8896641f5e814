package io.jsorc.services.task;

import io.jsorc.base.Json;
import io.jsorc.services.redis.RedisService;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The task broker on Redis, shared by every replica attached to the same Redis.
 *
 * <p>The queue is a Redis Stream with one consumer group ({@code workers}): a delivered entry stays in the group's
 * pending list until a worker acknowledges it, and an entry left unacknowledged longer than the visibility timeout
 * (its worker died or hung) is claimed by another worker with {@code XAUTOCLAIM}. Streams were chosen over a
 * list + processing-list pair because Redis itself tracks delivery time, delivery count and ownership, so no sweeper
 * has to guess which processing entries are stale.
 *
 * <p>Each task's record is a hash; its final state is written by a Lua script only if no final state is there yet,
 * so a redelivered copy can never record a second result. Retries wait in a sorted set (score: due time). Schedules
 * live in two hashes (definition, next run); a due run is claimed and its task queued by one compare-and-set script,
 * so of several schedulers exactly one submits it, and a run that cannot be queued stays due. A task's record and its
 * stream entry are written by one script as well. Scripts run by EVALSHA (EVAL when the server does not know them).
 *
 * <p>A record that cannot be read is quarantined by whoever reads it: {@code FAILURE} with the parse error, the bad
 * values kept as {@code corrupt_<field>}, expiring after the result TTL; the worker then acknowledges its delivery.
 */
public final class RedisTaskBroker implements TaskBroker {

    private static final String GROUP = "workers";
    /** A worker idle this long with no delivery is gone (its JVM died without releasing): release forgets it. */
    private static final Duration STALE_CONSUMER = Duration.ofHours(1);
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RedisTaskBroker.class);
    /** Unreadable schedules are reported once each, up to this many (then quietly skipped). */
    private static final int MAX_REPORTED_SCHEDULES = 1_000;
    private final java.util.Set<String> unreadableSchedules = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Supplier<RedisService> redis;
    private final String stream;
    private final String delayedKey;
    private final String activeKey;
    private final String schedulesKey;
    private final String nextRunsKey;
    private final String recordPrefix;
    private final Duration resultTtl;
    private volatile StreamEntryID claimCursor = new StreamEntryID(0, 0);

    /**
     * Creates the broker of one queue on Redis Streams; quarantined records are kept one day.
     *
     * @param redis supplies the current redis service (looked up per call: it may have been rebuilt)
     * @param queue the queue name; keys are {@code jsorc:task:<queue>:*}
     */
    public RedisTaskBroker(Supplier<RedisService> redis, String queue) {
        this(redis, queue, Duration.ofDays(1));
    }

    /**
     * Creates the broker of one queue on Redis Streams.
     *
     * @param redis     supplies the current redis service (looked up per call: it may have been rebuilt)
     * @param queue     the queue name; keys are {@code jsorc:task:<queue>:*}
     * @param resultTtl how long a record found corrupt (quarantined as FAILURE) is kept, like a finished one
     */
    public RedisTaskBroker(Supplier<RedisService> redis, String queue, Duration resultTtl) {
        this.redis = redis;
        this.resultTtl = resultTtl;
        String prefix = "jsorc:task:" + queue + ":";
        this.stream = prefix + "stream";
        this.delayedKey = prefix + "delayed";
        this.activeKey = prefix + "active";
        this.schedulesKey = prefix + "schedules";
        this.nextRunsKey = prefix + "schedules:next";
        this.recordPrefix = prefix + "t:";
        createGroup();
    }

    /**
     * Makes the stream and its group unless they exist. The group starts at the stream's beginning, not its end:
     * every entry still in the stream is a task nobody finished (a finished one is deleted), such as those queued
     * after Redis lost the group and before a worker noticed.
     */
    private void createGroup() {
        call(c -> {
            try {
                return c.xgroupCreate(stream, GROUP, new StreamEntryID(0, 0), true);
            } catch (JedisDataException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("BUSYGROUP")) {
                    return "exists";
                }
                throw e;
            }
        });
    }

    private <T> T call(Function<RedisClient, T> command) {
        return redis.get().op(command);
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public void enqueue(String id, String task, Map<String, Object> args) {
        // One script: the record and its stream entry appear together or not at all.
        call(c -> TaskScripts.ENQUEUE.run(c, List.of(recordPrefix + id, stream), enqueueArgs(id, task, args)));
    }

    private static List<String> enqueueArgs(String id, String task, Map<String, Object> args) {
        return List.of(id, task, Json.write(args), String.valueOf(System.currentTimeMillis()));
    }

    @Override
    public Optional<Delivery> take(String consumer, Duration wait, Duration visibility) throws InterruptedException {
        try {
            return takeFromGroup(consumer, wait, visibility);
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                // Redis lost the stream and its group (a restart without persistence, FLUSHALL, an evicted key):
                // make them again, or no worker would ever take a task again.
                createGroup();
                return Optional.empty();
            }
            throw e;
        }
    }

    private Optional<Delivery> takeFromGroup(String consumer, Duration wait, Duration visibility)
            throws InterruptedException {
        StreamEntryID from = claimCursor;
        Map.Entry<StreamEntryID, List<StreamEntry>> claimed = call(c -> c.xautoclaim(stream, GROUP, consumer,
                visibility.toMillis(), from, XAutoClaimParams.xAutoClaimParams().count(1)));
        // Continue the scan where it stopped, so entries deep in the pending list are reached too.
        claimCursor = claimed == null || claimed.getKey() == null ? new StreamEntryID(0, 0) : claimed.getKey();
        if (claimed != null && claimed.getValue() != null && !claimed.getValue().isEmpty()) {
            StreamEntry entry = claimed.getValue().get(0);
            if (entry != null && entry.getFields() != null) {
                return Optional.of(new Delivery(entry.getFields().get("id"), entry.getID().toString(), true));
            }
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        List<Map.Entry<String, List<StreamEntry>>> read = call(c -> c.xreadGroup(GROUP, consumer,
                XReadGroupParams.xReadGroupParams().count(1).block((int) Math.max(1, wait.toMillis())),
                Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)));
        if (read == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, List<StreamEntry>> streamEntries : read) {
            for (StreamEntry entry : streamEntries.getValue()) {
                return Optional.of(new Delivery(entry.getFields().get("id"), entry.getID().toString(), false));
            }
        }
        return Optional.empty();
    }

    @Override
    public void started(String id, String consumer) {
        call(c -> TaskScripts.STARTED.run(c, List.of(recordPrefix + id), List.of(consumer)));
        call(c -> c.sadd(activeKey, id));
    }

    @Override
    public boolean finish(String id, TaskStatus status, String resultJson, String error, Duration ttl) {
        Object recorded = call(c -> TaskScripts.FINISH.run(c, List.of(recordPrefix + id), List.of(status.name(),
                resultJson == null ? "" : resultJson, error == null ? "" : error,
                String.valueOf(System.currentTimeMillis()), String.valueOf(Math.max(1, ttl.toMillis())))));
        call(c -> c.srem(activeKey, id));
        return Long.valueOf(1).equals(recorded);
    }

    @Override
    public void retryLater(String id, String error, Instant when) {
        retry(id, error, when, false);
    }

    @Override
    public int retryUnhandled(String id, String error, Instant when) {
        return retry(id, error, when, true);
    }

    private int retry(String id, String error, Instant when, boolean unhandled) {
        Object result = call(c -> TaskScripts.RETRY.run(c, List.of(recordPrefix + id, delayedKey, activeKey),
                List.of(error, String.valueOf(when.toEpochMilli()), id, unhandled ? "1" : "0")));
        return result instanceof Long n ? (int) Math.max(0, n) : 0; // -1: already final, nothing queued
    }

    @Override
    public void renew(String consumer, Delivery delivery) {
        // XCLAIM by the holder with idle 0 resets the entry's idle time: it stays this worker's.
        call(c -> c.xclaimJustId(stream, GROUP, consumer, 0, XClaimParams.xClaimParams().idle(0),
                new StreamEntryID(delivery.tag())));
    }

    @Override
    public void release(String consumer) {
        try {
            // Not XGROUP DELCONSUMER alone: it would delete the deliveries the worker still holds, and their tasks.
            call(c -> TaskScripts.RELEASE.run(c, List.of(stream), List.of(GROUP, consumer,
                    String.valueOf(STALE_CONSUMER.toMillis()))));
        } catch (RuntimeException e) {
            // Best effort: an unreachable Redis keeps the consumer name; a later release removes it once stale.
        }
    }

    @Override
    public void ack(Delivery delivery) {
        StreamEntryID entry = new StreamEntryID(delivery.tag());
        call(c -> c.xack(stream, GROUP, entry));
        call(c -> c.xdel(stream, entry));
    }

    @Override
    public Optional<TaskResult> result(String id) {
        Map<String, String> record = call(c -> c.hgetAll(recordPrefix + id));
        if (record == null || record.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> problems = new LinkedHashMap<>();
        TaskResult result = toResult(id, record, problems);
        if (problems.isEmpty()) {
            return Optional.of(result);
        }
        // A poison record (written by a bug, an old version or a hand edit) would throw for every reader and be
        // handed out forever: quarantine it as FAILURE with the parse error, then read it again.
        StringBuilder error = new StringBuilder("Corrupt task record ").append(recordPrefix).append(id)
                .append(", quarantined as FAILURE:");
        problems.forEach((field, problem) -> error.append(' ').append(field).append(": ").append(problem).append(';'));
        error.setLength(error.length() - 1);
        List<String> args = new ArrayList<>(List.of(error.toString(), String.valueOf(System.currentTimeMillis()),
                String.valueOf(Math.max(1, resultTtl.toMillis())), id));
        problems.keySet().stream().filter(record::containsKey).forEach(args::add);
        call(c -> TaskScripts.QUARANTINE.run(c, List.of(recordPrefix + id, activeKey), args));
        Map<String, String> quarantined = call(c -> c.hgetAll(recordPrefix + id));
        if (quarantined == null || quarantined.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> still = new LinkedHashMap<>();
        TaskResult reread = toResult(id, quarantined, still);
        if (!still.isEmpty()) {
            throw new IllegalStateException("Task record " + recordPrefix + id + " stays unreadable: " + still);
        }
        return Optional.of(reread);
    }

    /** Reads a record field by field; what cannot be read goes to {@code problems} (field → parse error). */
    private static TaskResult toResult(String id, Map<String, String> record, Map<String, String> problems) {
        String error = record.get("error");
        TaskStatus status = null;
        String rawStatus = record.get("status");
        if (rawStatus == null) {
            problems.put("status", "missing");
        } else {
            try {
                status = TaskStatus.valueOf(rawStatus);
            } catch (IllegalArgumentException e) {
                problems.put("status", "'" + rawStatus + "' is not one of " + List.of(TaskStatus.values()));
            }
        }
        String task = record.get("task");
        if (task == null || task.isEmpty()) {
            problems.put("task", "missing");
        }
        Map<String, Object> args = Map.of();
        String rawArgs = record.get("args");
        if (rawArgs != null) {
            try {
                args = Json.parseObject(rawArgs, "task args");
            } catch (RuntimeException e) {
                problems.put("args", "'" + abbreviate(rawArgs) + "' is not a JSON object (" + e.getMessage() + ")");
            }
        }
        Object result = null;
        String rawResult = record.get("result");
        if (rawResult != null && !rawResult.isEmpty()) {
            try {
                result = Json.parseValue(rawResult, "task result");
            } catch (RuntimeException e) {
                problems.put("result", "'" + abbreviate(rawResult) + "' is not JSON (" + e.getMessage() + ")");
            }
        }
        int attempts = (int) number(record, "attempts", problems, 0);
        long submitted = number(record, "submitted", problems, -1);
        long finished = number(record, "finished", problems, -1);
        return new TaskResult(id, task, args, status == null ? TaskStatus.FAILURE : status, result,
                error == null || error.isEmpty() ? null : error, attempts,
                submitted < 0 ? null : Instant.ofEpochMilli(submitted),
                finished < 0 ? null : Instant.ofEpochMilli(finished));
    }

    private static long number(Map<String, String> record, String field, Map<String, String> problems,
                               long absent) {
        String raw = record.get(field);
        if (raw == null) {
            return absent;
        }
        try {
            long value = Long.parseLong(raw);
            if (value >= 0 && (!field.equals("attempts") || value <= Integer.MAX_VALUE)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.put(field, "'" + abbreviate(raw) + "' is not a non-negative integer");
        return absent;
    }

    private static String abbreviate(String raw) {
        return raw.length() <= 200 ? raw : raw.substring(0, 200) + "...";
    }

    @Override
    public int promoteDueRetries(Instant now) {
        Object promoted = call(c -> TaskScripts.PROMOTE.run(c, List.of(delayedKey, stream),
                List.of(String.valueOf(now.toEpochMilli()))));
        return promoted instanceof Long n ? n.intValue() : 0;
    }

    @Override
    public void putSchedule(Schedule schedule, Instant firstRun) {
        // Atomic, so replicas declaring the same schedule at once cannot reset a run another one just claimed.
        call(c -> TaskScripts.PUT_SCHEDULE.run(c, List.of(schedulesKey, nextRunsKey), List.of(schedule.name(),
                Json.write(schedule.toMap()), String.valueOf(firstRun.toEpochMilli()))));
    }

    @Override
    public boolean removeSchedule(String name) {
        long removed = call(c -> c.hdel(schedulesKey, name));
        call(c -> c.hdel(nextRunsKey, name));
        return removed > 0;
    }

    @Override
    public List<ScheduleState> schedules() {
        Map<String, String> definitions = call(c -> c.hgetAll(schedulesKey));
        Map<String, String> next = call(c -> c.hgetAll(nextRunsKey));
        List<ScheduleState> out = new ArrayList<>();
        definitions.forEach((name, json) -> {
            String at = next.get(name);
            if (at != null) {
                try {
                    out.add(new ScheduleState(Schedule.fromMap(Json.parseObject(json, "schedule " + name)),
                            Instant.ofEpochMilli(Long.parseLong(at))));
                } catch (RuntimeException unreadable) {
                    // One schedule edited by hand, or written by another version, stops no other one.
                    if (unreadableSchedules.size() < MAX_REPORTED_SCHEDULES
                            && unreadableSchedules.add(name + "\n" + json + "\n" + at)) {
                        log.warn("Schedule '{}' in {} cannot be read and does not run ({}); unschedule or schedule "
                                + "it again", name, schedulesKey, unreadable.getMessage());
                    }
                }
            }
        });
        return out;
    }

    @Override
    public boolean claimRun(String name, Instant expected, Instant next) {
        Object claimed = call(c -> TaskScripts.CLAIM.run(c, List.of(nextRunsKey, schedulesKey), List.of(name,
                String.valueOf(expected.toEpochMilli()), next == null ? "" : String.valueOf(next.toEpochMilli()))));
        return Long.valueOf(1).equals(claimed);
    }

    @Override
    public boolean claimAndEnqueue(String name, Instant expected, Instant next, String id, String task,
                                   Map<String, Object> args) {
        List<String> argv = new ArrayList<>(enqueueArgs(id, task, args));
        argv.addAll(List.of(name, String.valueOf(expected.toEpochMilli()),
                next == null ? "" : String.valueOf(next.toEpochMilli())));
        Object claimed = call(c -> TaskScripts.CLAIM_AND_ENQUEUE.run(c, List.of(recordPrefix + id, stream, nextRunsKey,
                schedulesKey), argv));
        return Long.valueOf(1).equals(claimed);
    }

    @Override
    public boolean timedOut(String id, String error) {
        Object marked = call(c -> TaskScripts.TIMED_OUT.run(c, List.of(recordPrefix + id, activeKey), List.of(error, id)));
        return Long.valueOf(1).equals(marked);
    }

    @Override
    public List<TaskResult> active() {
        List<TaskResult> out = new ArrayList<>();
        for (String id : call(c -> c.smembers(activeKey))) {
            result(id).filter(r -> r.status() == TaskStatus.STARTED).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public List<TaskResult> reserved() {
        Set<String> active = new HashSet<>(call(c -> c.smembers(activeKey)));
        List<TaskResult> out = new ArrayList<>();
        for (StreamEntry entry : call(c -> c.xrange(stream, "-", "+", 1000))) {
            String id = entry.getFields().get("id");
            if (!active.contains(id)) {
                result(id).filter(r -> !r.isDone()).ifPresent(out::add);
            }
        }
        for (String id : call(c -> c.zrange(delayedKey, 0, 999))) {
            result(id).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public void expire() {
        // Redis expires finished records itself (PEXPIRE in the finish script).
    }

    @Override
    public boolean healthy() {
        RedisService service = redis.get();
        return service != null && service.isRunning();
    }

    @Override
    public void close() {
        // The redis service owns the client.
    }
}
