package io.jsorc.services.task;

import io.jsorc.base.Json;
import io.jsorc.services.redis.RedisService;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
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

    private static final Script FINISH = new Script("local s = redis.call('HGET', KEYS[1], 'status') "
            + "if s == false or s == 'SUCCESS' or s == 'FAILURE' then return 0 end "
            + "redis.call('HSET', KEYS[1], 'status', ARGV[1], 'result', ARGV[2], 'error', ARGV[3], 'finished', ARGV[4]) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[5]) return 1");
    private static final Script STARTED = new Script("local s = redis.call('HGET', KEYS[1], 'status') "
            + "if s == false or s == 'SUCCESS' or s == 'FAILURE' then return 0 end "
            + "redis.call('HSET', KEYS[1], 'status', 'STARTED', 'worker', ARGV[1]) "
            + "redis.call('HINCRBY', KEYS[1], 'attempts', 1) return 1");
    private static final Script RETRY = new Script("local s = redis.call('HGET', KEYS[1], 'status') "
            + "if s == false or s == 'SUCCESS' or s == 'FAILURE' then return -1 end "
            + "redis.call('HSET', KEYS[1], 'status', 'RETRY', 'error', ARGV[1]) "
            + "local n = 0 if ARGV[4] == '1' then n = redis.call('HINCRBY', KEYS[1], 'unhandled', 1) end "
            + "redis.call('SREM', KEYS[3], ARGV[3]) redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3]) return n");
    private static final Script PROMOTE = new Script("local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100) "
            + "local n = 0 for _, id in ipairs(ids) do "
            + "if redis.call('ZREM', KEYS[1], id) == 1 then redis.call('XADD', KEYS[2], '*', 'id', id) n = n + 1 end "
            + "end return n");
    private static final Script PUT_SCHEDULE = new Script("if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] "
            + "and redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 0 end "
            + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) return 1");
    /**
     * Queues a task: both keys are checked before anything is written (Redis does not roll a script back), then the
     * stream entry and the PENDING record are written together. KEYS: record, stream; ARGV: id, task, args,
     * submitted.
     */
    private static final String ENQUEUE_BODY = "if redis.call('EXISTS', KEYS[1]) == 1 then "
            + "return redis.error_reply('ERR task record ' .. KEYS[1] .. ' exists already') end "
            + "local t = redis.call('TYPE', KEYS[2]).ok "
            + "if t ~= 'stream' and t ~= 'none' then return redis.error_reply('WRONGTYPE the task stream ' .. KEYS[2] "
            + ".. ' holds a ' .. t) end "
            + "redis.call('XADD', KEYS[2], '*', 'id', ARGV[1]) "
            + "redis.call('HSET', KEYS[1], 'id', ARGV[1], 'task', ARGV[2], 'args', ARGV[3], 'status', 'PENDING', "
            + "'attempts', '0', 'submitted', ARGV[4]) ";
    private static final Script ENQUEUE = new Script(ENQUEUE_BODY + "return 1");
    /**
     * Claims a due schedule run and queues its task in one step, so a claimed run is never lost. KEYS: record,
     * stream, next runs, schedules; ARGV: id, task, args, submitted, schedule name, expected run, next run or ''.
     */
    private static final Script CLAIM_AND_ENQUEUE = new Script(
            "if redis.call('HGET', KEYS[3], ARGV[5]) ~= ARGV[6] then return 0 end " + ENQUEUE_BODY
            + "if ARGV[7] == '' then redis.call('HDEL', KEYS[3], ARGV[5]) redis.call('HDEL', KEYS[4], ARGV[5]) "
            + "else redis.call('HSET', KEYS[3], ARGV[5], ARGV[7]) end return 1");
    private static final Script CLAIM = new Script("if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end "
            + "if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) redis.call('HDEL', KEYS[2], ARGV[1]) "
            + "else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end return 1");
    /**
     * Quarantines a record that cannot be read: each unreadable field is kept as {@code corrupt_<field>}, the record
     * becomes FAILURE with the parse error and expires like any finished record. KEYS: record, active set; ARGV:
     * error, finished, ttl ms, id, the unreadable fields.
     */
    private static final Script QUARANTINE = new Script("if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end "
            + "for i = 5, #ARGV do local v = redis.call('HGET', KEYS[1], ARGV[i]) "
            + "if v then redis.call('HSET', KEYS[1], 'corrupt_' .. ARGV[i], v) redis.call('HDEL', KEYS[1], ARGV[i]) end end "
            + "redis.call('HSET', KEYS[1], 'status', 'FAILURE', 'error', ARGV[1], 'finished', ARGV[2]) "
            + "redis.call('HDEL', KEYS[1], 'result') "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[3]) redis.call('SREM', KEYS[2], ARGV[4]) return 1");
    /** Records that a handler ran past handler_timeout_ms: RETRY with the error, unless final. */
    private static final Script TIMED_OUT = new Script("local s = redis.call('HGET', KEYS[1], 'status') "
            + "if s == false or s == 'SUCCESS' or s == 'FAILURE' then return 0 end "
            + "redis.call('HSET', KEYS[1], 'status', 'RETRY', 'error', ARGV[1]) "
            + "redis.call('SREM', KEYS[2], ARGV[2]) return 1");

    /** A Lua script run by EVALSHA, loaded with EVAL when the server does not know it yet. */
    private record Script(String source, String sha) {

        Script(String source) {
            this(source, sha1(source));
        }

        Object run(RedisClient client, List<String> keys, List<String> args) {
            try {
                return client.evalsha(sha, keys, args);
            } catch (JedisNoScriptException e) {
                return client.eval(source, keys, args);
            }
        }

        private static String sha1(String text) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

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

    private void createGroup() {
        call(c -> {
            try {
                return c.xgroupCreate(stream, GROUP, StreamEntryID.XGROUP_LAST_ENTRY, true);
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
        call(c -> ENQUEUE.run(c, List.of(recordPrefix + id, stream), enqueueArgs(id, task, args)));
    }

    private static List<String> enqueueArgs(String id, String task, Map<String, Object> args) {
        return List.of(id, task, Json.write(args), String.valueOf(System.currentTimeMillis()));
    }

    @Override
    public Optional<Delivery> take(String consumer, Duration wait, Duration visibility) throws InterruptedException {
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
        List<Map.Entry<String, List<StreamEntry>>> read;
        try {
            read = call(c -> c.xreadGroup(GROUP, consumer,
                    XReadGroupParams.xReadGroupParams().count(1).block((int) Math.max(1, wait.toMillis())),
                    Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)));
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                createGroup(); // Redis restarted without persistence: the stream and its group are gone
                return Optional.empty();
            }
            throw e;
        }
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
        call(c -> STARTED.run(c, List.of(recordPrefix + id), List.of(consumer)));
        call(c -> c.sadd(activeKey, id));
    }

    @Override
    public boolean finish(String id, TaskStatus status, String resultJson, String error, Duration ttl) {
        Object recorded = call(c -> FINISH.run(c, List.of(recordPrefix + id), List.of(status.name(),
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
        Object result = call(c -> RETRY.run(c, List.of(recordPrefix + id, delayedKey, activeKey),
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
            call(c -> c.xgroupDelConsumer(stream, GROUP, consumer));
        } catch (RuntimeException e) {
            // Best effort: an unreachable Redis keeps a stale consumer name, which costs nothing but a line in XINFO.
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
        call(c -> QUARANTINE.run(c, List.of(recordPrefix + id, activeKey), args));
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
        Object promoted = call(c -> PROMOTE.run(c, List.of(delayedKey, stream),
                List.of(String.valueOf(now.toEpochMilli()))));
        return promoted instanceof Long n ? n.intValue() : 0;
    }

    @Override
    public void putSchedule(Schedule schedule, Instant firstRun) {
        // Atomic, so replicas declaring the same schedule at once cannot reset a run another one just claimed.
        call(c -> PUT_SCHEDULE.run(c, List.of(schedulesKey, nextRunsKey), List.of(schedule.name(),
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
                out.add(new ScheduleState(Schedule.fromMap(Json.parseObject(json, "schedule " + name)),
                        Instant.ofEpochMilli(Long.parseLong(at))));
            }
        });
        return out;
    }

    @Override
    public boolean claimRun(String name, Instant expected, Instant next) {
        Object claimed = call(c -> CLAIM.run(c, List.of(nextRunsKey, schedulesKey), List.of(name,
                String.valueOf(expected.toEpochMilli()), next == null ? "" : String.valueOf(next.toEpochMilli()))));
        return Long.valueOf(1).equals(claimed);
    }

    @Override
    public boolean claimAndEnqueue(String name, Instant expected, Instant next, String id, String task,
                                   Map<String, Object> args) {
        List<String> argv = new ArrayList<>(enqueueArgs(id, task, args));
        argv.addAll(List.of(name, String.valueOf(expected.toEpochMilli()),
                next == null ? "" : String.valueOf(next.toEpochMilli())));
        Object claimed = call(c -> CLAIM_AND_ENQUEUE.run(c, List.of(recordPrefix + id, stream, nextRunsKey,
                schedulesKey), argv));
        return Long.valueOf(1).equals(claimed);
    }

    @Override
    public boolean timedOut(String id, String error) {
        Object marked = call(c -> TIMED_OUT.run(c, List.of(recordPrefix + id, activeKey), List.of(error, id)));
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
