package io.jsorc.services.redis;

import io.jsorc.config.Durability;
import io.jsorc.services.redis.PendingWrites.Op;
import io.jsorc.services.redis.PendingWrites.Pending;
import io.jsorc.services.redis.RedisConfigScripts.Stored;
import redis.clients.jedis.exceptions.JedisException;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The Redis config store's writes: sets, deletes and compare-and-set updates, what each says when Redis does not take
 * it, and the memory copy and pending writes they leave. Writes to Redis happen under the state's lock.
 *
 * <p>A write whose reply is lost may still have been stored (the script ran, the answer timed out). A
 * {@link Durability#REQUIRED} write that fails therefore asks Redis what it holds before it answers: stored after all
 * is a success, something else is "not stored, nothing changed", and no answer at all says the outcome is unknown;
 * never "nothing changed" for a write replicas may already have heard of.
 */
final class ConfigWrites {

    /** How long a {@code REQUIRED} write keeps trying. */
    private static final long REQUIRED_WAIT_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** Compare-and-set rounds an update tries while replicas keep changing the value under it. */
    static final int CAS_ROUNDS = 20;

    private final RedisConfigState state;

    ConfigWrites(RedisConfigState state) {
        this.state = state;
    }

    /**
     * A set or delete: into Redis now (a blind write), else (best effort) into memory and pending, stored by the
     * sync daemon once Redis is back; {@code REQUIRED} keeps trying for a few seconds, then throws.
     */
    void write(String key, Op op, String json, Durability durability) {
        RedisConfigScripts.Op scriptOp = op == Op.DEL ? RedisConfigScripts.Op.DEL : RedisConfigScripts.Op.SET;
        long started = System.nanoTime();
        RuntimeException failure = null;
        while (true) {
            RedisConfigConnection redis = durability == Durability.REQUIRED ? state.connection() : state.client();
            synchronized (state) {
                if (redis != null) {
                    try {
                        Stored stored = state.run(redis, scriptOp, key, json, RedisConfigScripts.ANY, state.epoch,
                                null);
                        state.remember(key, json, stored.version(), "set");
                        state.pending.remove(key);
                        return;
                    } catch (RuntimeException e) {
                        failure = e;
                        state.unreachable("writing " + key, e);
                    }
                }
                if (state.bootstrap == null || durability != Durability.REQUIRED) {
                    RedisConfigState.Entry before = state.memory.get(key);
                    long base = before == null ? RedisConfigScripts.NONE : before.version();
                    state.remember(key, json, base, "set");
                    if (state.bootstrap != null) {
                        state.pending.put(key, new Pending(op, json, base, state.epoch));
                    }
                    return;
                }
            }
            if (System.nanoTime() - started > REQUIRED_WAIT_NANOS || !pause()) {
                Boolean landed = failure == null ? Boolean.FALSE : readBack(key, json);
                if (Boolean.TRUE.equals(landed)) {
                    return; // its reply was lost, but Redis holds it
                }
                throw notWritten("stored", key, started, failure, landed);
            }
        }
    }

    /**
     * Compare-and-set of a change on the value Redis holds now, retried while replicas change it meanwhile. Never a
     * blind overwrite: when Redis cannot be reached, a best-effort update changes the memory copy and leaves a write
     * based on its version pending (stored only where Redis still holds that version); a {@code REQUIRED} one keeps
     * trying for a few seconds, then throws.
     *
     * @throws IllegalStateException when replicas changed the value {@value #CAS_ROUNDS} times in a row under it, when
     *                               Redis cannot be reached and this replica holds no copy to change, or when a
     *                               {@code REQUIRED} update could not be stored
     */
    String update(String key, UnaryOperator<String> change, Durability durability) {
        boolean required = durability == Durability.REQUIRED;
        long started = System.nanoTime();
        RuntimeException failure = null;
        Boolean landed = Boolean.FALSE;
        int rounds = 0;
        while (true) {
            RedisConfigConnection redis = required ? state.connection() : state.client();
            if (redis != null) {
                String sent = null;
                try {
                    synchronized (state) {
                        Stored now = state.run(redis, RedisConfigScripts.Op.GET, key, null, 0, "", null);
                        RedisConfigState.Entry mine = state.memory.get(key);
                        String current = now.value() != null ? now.value() : mine == null ? null : mine.json();
                        if (current == null) {
                            throw new java.util.NoSuchElementException("Config " + key + " has no value");
                        }
                        String next = change.apply(current);
                        sent = next;
                        Stored stored = state.run(redis, RedisConfigScripts.Op.SET, key, next, now.version(),
                                now.epoch() == null ? "" : now.epoch(), null);
                        if (stored.written()) {
                            state.remember(key, next, stored.version(), "set");
                            state.pending.remove(key);
                            return next;
                        }
                    }
                    if (++rounds >= CAS_ROUNDS) {
                        throw new IllegalStateException("Config " + key + " was not updated: replicas changed it "
                                + CAS_ROUNDS + " times in a row while this one tried; nothing was changed, try again");
                    }
                    continue;
                } catch (JedisException e) {
                    failure = e;
                    state.unreachable("updating " + key, e);
                    landed = sent == null ? Boolean.FALSE : readBack(key, sent);
                    if (Boolean.TRUE.equals(landed)) {
                        return sent; // its reply was lost, but Redis holds it
                    }
                }
            }
            if (!required || state.bootstrap == null) {
                return deferUpdate(key, change); // best effort, or Redis disabled: the memory copy is the store
            }
            if (System.nanoTime() - started > REQUIRED_WAIT_NANOS || !pause()) {
                throw notWritten("updated", key, started, failure, landed);
            }
        }
    }

    /** A best-effort update Redis cannot take now: applied to the memory copy, pending on the version it is based on. */
    private String deferUpdate(String key, UnaryOperator<String> change) {
        synchronized (state) {
            RedisConfigState.Entry mine = state.memory.get(key);
            if (mine == null) {
                throw new IllegalStateException("Config " + key + " was not updated: " + (state.bootstrap == null
                        ? "it has no value to change" : "Redis at " + state.address() + " is not reachable and this "
                        + "replica holds no copy of the value to change") + "; nothing was changed");
            }
            String next = change.apply(mine.json());
            state.remember(key, next, mine.version(), "set");
            if (state.bootstrap != null) {
                state.pending.put(key, new Pending(Op.SET, next, mine.version(), state.epoch));
            }
            return next;
        }
    }

    /**
     * After a write failed: asks Redis whether it holds the value anyway (a reply lost after the script ran), and
     * keeps what it holds as the memory copy.
     *
     * @return whether Redis holds {@code json} ({@code null}: the key absent), or {@code null} when Redis did not answer
     */
    private Boolean readBack(String key, String json) {
        RedisConfigConnection redis = state.connection();
        if (redis == null) {
            return null;
        }
        try {
            synchronized (state) {
                Stored now = state.run(redis, RedisConfigScripts.Op.GET, key, null, 0, "", null);
                state.remember(key, now.value(), now.version(), now.value() == null ? "del" : now.kind());
                boolean landed = Objects.equals(now.value(), json);
                if (landed) {
                    state.pending.remove(key);
                }
                return landed;
            }
        } catch (RuntimeException e) {
            return null;
        }
    }

    private IllegalStateException notWritten(String what, String key, long started, RuntimeException failure,
                                             Boolean landed) {
        String cause = failure == null ? "not reachable" : failure.getClass().getSimpleName() + ": "
                + failure.getMessage();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (landed == null) {
            return new IllegalStateException("Config " + key + " may not have been " + what + ": Redis at "
                    + state.address() + " did not confirm it within " + millis + " ms (" + cause + ") and could "
                    + "not be asked afterwards whether it holds it; read it back before writing again");
        }
        return new IllegalStateException("Config " + key + " was not " + what + ": Redis at " + state.address()
                + " did not take it within " + millis + " ms (" + cause + "); nothing was changed");
    }

    private static boolean pause() {
        try {
            Thread.sleep(100);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
