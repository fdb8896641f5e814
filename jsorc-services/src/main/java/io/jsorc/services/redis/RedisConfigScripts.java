package io.jsorc.services.redis;

import java.util.List;

/**
 * The one Lua script behind every config read and write of the {@link RedisHook}, run with EVAL so each is atomic.
 *
 * <p>Storage: the hash {@value RedisHook#HASH} keeps each value as plain JSON (as before versions existed); the hash
 * {@value #META} keeps {@code "<version>:<kind>"} per key, kind {@code set} (through the API), {@code default} (stored
 * on a first read) or {@code del} (a tombstone: the value was deleted at that version). A value without a meta entry
 * (written by an older JsOrc) is version 0, kind {@code set}; the next write adds its meta entry. The string
 * {@value #EPOCH} names this Redis's data set: written with the first write into an empty Redis, so a Redis that lost
 * its data (restarted without persistence, replaced) has none or another one.
 */
final class RedisConfigScripts {

    /** Versions and kinds, per key. */
    static final String META = RedisHook.HASH + ":meta";
    /** The id of the data set, written once into an empty Redis. */
    static final String EPOCH = "jsorc:epoch";
    /** Base version of a blind write: it replaces whatever is stored. */
    static final long ANY = -2;
    /** Version of nothing stored. */
    static final long NONE = -1;

    /** What a call does. */
    enum Op {
        /** Reads value, version, kind. */
        GET,
        /** Stores the value as a default when nothing (or a tombstone) is stored. */
        DEFAULT,
        /** Stores the value when the stored version is the base (or the base is {@link #ANY}, or nothing is stored). */
        SET,
        /** Like SET, leaving a tombstone. */
        DEL,
        /** Re-seeds a memory copy: stores it when nothing is stored, or over a default of a newer data set. */
        SEED
    }

    /**
     * What Redis holds after the call.
     *
     * @param written whether this call stored (or deleted) the value
     * @param value   the stored JSON, {@code null} when none
     * @param version its version ({@link #NONE} when nothing was ever stored)
     * @param kind    {@code set}, {@code seed} (a replica's copy stored again into a Redis that came back empty),
     *                {@code default}, {@code del} or {@code none}
     * @param epoch   the data set's id, {@code null} when Redis has none yet
     */
    record Stored(boolean written, String value, long version, String kind, String epoch) {
        boolean deleted() {
            return "del".equals(kind);
        }
    }

    private static final String SCRIPT = """
            local field, op, json, base = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
            local baseEpoch, newEpoch, kind, origin = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
            local epoch = redis.call('GET', KEYS[3])
            local value = redis.call('HGET', KEYS[1], field)
            local m = redis.call('HGET', KEYS[2], field)
            local v, k = -1, 'none'
            if m then
              local sep = string.find(m, ':', 1, true)
              v = tonumber(string.sub(m, 1, sep - 1)); k = string.sub(m, sep + 1)
            elseif value then
              v = 0; k = 'set'
            end
            if op == 'GET' then return {'kept', value, tostring(v), k, epoch} end
            local write, newV, newKind, announce = false, math.max(v, base) + 1, 'set', true
            if op == 'DEFAULT' then
              write = (v == -1 or k == 'del'); newV = math.max(v, 0) + 1; newKind = 'default'; announce = false
            elseif op == 'SEED' then
              write = (v == -1) or (k == 'default' and (kind == 'set' or kind == 'seed') and baseEpoch ~= epoch)
              newKind = kind
              if kind == 'set' then newKind = 'seed' end
              if v == -1 then newV = math.max(base, 0); announce = false end
            elseif baseEpoch == epoch then
              write = (base == -2 or v == base or v == -1)
            else
              -- From another data set: over a re-seeded value only when based on its version or a newer one (a
              -- replica's write kept while Redis was down is not lost to an older copy another replica re-seeded).
              write = (base == -2 or v == -1 or k == 'default' or (k == 'seed' and base >= v))
            end
            if base == -2 then newV = math.max(v, 0) + 1 end
            if not write then return {'kept', value, tostring(v), k, epoch} end
            if not epoch then
              epoch = newEpoch
              redis.call('SET', KEYS[3], epoch)
            end
            if op == 'DEL' then
              redis.call('HDEL', KEYS[1], field); newKind = 'del'; json = false
            else
              redis.call('HSET', KEYS[1], field, json)
            end
            redis.call('HSET', KEYS[2], field, newV .. ':' .. newKind)
            if announce then
              redis.call('PUBLISH', KEYS[4], cjson.encode({key = field, origin = origin, v = newV}))
            end
            return {'ok', json, tostring(newV), newKind, epoch}
            """;

    private RedisConfigScripts() {
    }

    /**
     * Runs one call.
     *
     * @param redis     the connection
     * @param op        what to do
     * @param key       the config key
     * @param json      the JSON to store ({@code null} for GET and DEL)
     * @param base      the version the write is based on ({@link #ANY}, {@link #NONE}, or a version)
     * @param baseEpoch the data set the base version belongs to ({@code ""} when unknown)
     * @param kind      for SEED: the kind of the memory copy
     * @param origin    the writer's id, announced with the change
     * @param channel   where the change is announced ({@link RedisHook#channel}: the database's own)
     * @return what Redis holds now
     */
    static Stored run(RedisConfigConnection redis, Op op, String key, String json, long base, String baseEpoch,
                      String kind, String origin, String channel) {
        Object reply = redis.eval(SCRIPT, List.of(RedisHook.HASH, META, EPOCH, channel),
                List.of(key, op.name(), json == null ? "" : json, Long.toString(base),
                        baseEpoch == null ? "" : baseEpoch, uniqueId(),
                        kind == null ? "set" : kind, origin));
        List<?> parts = (List<?>) reply;
        return new Stored("ok".equals(text(parts, 0)), text(parts, 1), Long.parseLong(text(parts, 2)),
                text(parts, 3), text(parts, 4));
    }

    /**
     * A fresh id that must be unique, not secret: a candidate for a new data set ({@code jsorc:epoch}), an
     * orchestrator's origin. Not {@code UUID.randomUUID()}: seeding its {@code SecureRandom} costs tens of
     * milliseconds and ~40 classes on the first config read of a fresh JVM.
     */
    static String uniqueId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        return new java.util.UUID(random.nextLong() ^ System.nanoTime(), random.nextLong()).toString();
    }

    private static String text(List<?> parts, int index) {
        return index >= parts.size() ? null : RedisConfigConnection.text(parts.get(index));
    }
}
