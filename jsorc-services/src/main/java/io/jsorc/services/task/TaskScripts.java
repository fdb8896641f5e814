package io.jsorc.services.task;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The Lua scripts of the Redis task broker: each state change of a task record, and each enqueue, happens in one
 * script, so a failure half way leaves nothing half written.
 */
final class TaskScripts {

    private TaskScripts() {
    }

    static final Script FINISH = new Script("local s = redis.call('HGET', KEYS[1], 'status') "
            + "if s == false or s == 'SUCCESS' or s == 'FAILURE' then return 0 end "
            + "redis.call('HSET', KEYS[1], 'status', ARGV[1], 'result', ARGV[2], 'error', ARGV[3], 'finished', ARGV[4]) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[5]) return 1");
    static final Script STARTED = new Script("local s = redis.call('HGET', KEYS[1], 'status') "
            + "if s == false or s == 'SUCCESS' or s == 'FAILURE' then return 0 end "
            + "redis.call('HSET', KEYS[1], 'status', 'STARTED', 'worker', ARGV[1]) "
            + "redis.call('HINCRBY', KEYS[1], 'attempts', 1) return 1");
    static final Script RETRY = new Script("local s = redis.call('HGET', KEYS[1], 'status') "
            + "if s == false or s == 'SUCCESS' or s == 'FAILURE' then return -1 end "
            + "redis.call('HSET', KEYS[1], 'status', 'RETRY', 'error', ARGV[1]) "
            + "local n = 0 if ARGV[4] == '1' then n = redis.call('HINCRBY', KEYS[1], 'unhandled', 1) end "
            + "redis.call('SREM', KEYS[3], ARGV[3]) redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3]) return n");
    static final Script PROMOTE = new Script("local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100) "
            + "local n = 0 for _, id in ipairs(ids) do "
            + "if redis.call('ZREM', KEYS[1], id) == 1 then redis.call('XADD', KEYS[2], '*', 'id', id) n = n + 1 end "
            + "end return n");
    /**
     * Forgets stopping workers in the consumer group: the caller when it holds no delivery, and any other worker idle
     * longer than ARGV[3] ms with none (a JVM that died without releasing). A worker that still holds deliveries is
     * kept: deleting a consumer deletes its pending entries, and the task with them, where others can no longer claim
     * it. KEYS: stream; ARGV: group, consumer, stale idle ms. Returns how many were deleted.
     */
    static final Script RELEASE = new Script("local n = 0 "
            + "for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do "
            + "local f = {} for i = 1, #c, 2 do f[c[i]] = c[i + 1] end "
            + "if tonumber(f['pending']) == 0 and (f['name'] == ARGV[2] or tonumber(f['idle']) > tonumber(ARGV[3])) "
            + "then redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], f['name']) n = n + 1 end "
            + "end return n");
    static final Script PUT_SCHEDULE = new Script("if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] "
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
    static final Script ENQUEUE = new Script(ENQUEUE_BODY + "return 1");
    /**
     * Claims a due schedule run and queues its task in one step, so a claimed run is never lost. KEYS: record,
     * stream, next runs, schedules; ARGV: id, task, args, submitted, schedule name, expected run, next run or ''.
     */
    static final Script CLAIM_AND_ENQUEUE = new Script(
            "if redis.call('HGET', KEYS[3], ARGV[5]) ~= ARGV[6] then return 0 end " + ENQUEUE_BODY
            + "if ARGV[7] == '' then redis.call('HDEL', KEYS[3], ARGV[5]) redis.call('HDEL', KEYS[4], ARGV[5]) "
            + "else redis.call('HSET', KEYS[3], ARGV[5], ARGV[7]) end return 1");
    static final Script CLAIM = new Script("if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end "
            + "if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) redis.call('HDEL', KEYS[2], ARGV[1]) "
            + "else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end return 1");
    /**
     * Quarantines a record that cannot be read: each unreadable field is kept as {@code corrupt_<field>}, the record
     * becomes FAILURE with the parse error and expires like any finished record. KEYS: record, active set; ARGV:
     * error, finished, ttl ms, id, the unreadable fields.
     */
    static final Script QUARANTINE = new Script("if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end "
            + "for i = 5, #ARGV do local v = redis.call('HGET', KEYS[1], ARGV[i]) "
            + "if v then redis.call('HSET', KEYS[1], 'corrupt_' .. ARGV[i], v) redis.call('HDEL', KEYS[1], ARGV[i]) end end "
            + "redis.call('HSET', KEYS[1], 'status', 'FAILURE', 'error', ARGV[1], 'finished', ARGV[2]) "
            + "redis.call('HDEL', KEYS[1], 'result') "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[3]) redis.call('SREM', KEYS[2], ARGV[4]) return 1");
    /** Records that a handler ran past handler_timeout_ms: RETRY with the error, unless final. */
    static final Script TIMED_OUT = new Script("local s = redis.call('HGET', KEYS[1], 'status') "
            + "if s == false or s == 'SUCCESS' or s == 'FAILURE' then return 0 end "
            + "redis.call('HSET', KEYS[1], 'status', 'RETRY', 'error', ARGV[1]) "
            + "redis.call('SREM', KEYS[2], ARGV[2]) return 1");

    /** A Lua script run by EVALSHA, loaded with EVAL when the server does not know it yet. */
    record Script(String source, String sha) {

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
}
