package io.jsorc.services.redis;

import io.jsorc.ComponentContext;
import io.jsorc.OrchestratorAware;
import io.jsorc.Repository;
import io.jsorc.config.Durability;
import io.jsorc.config.Hook;
import io.jsorc.services.redis.PendingWrites.Op;
import io.jsorc.services.redis.PendingWrites.Pending;
import io.jsorc.services.redis.RedisConfigScripts.Stored;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A {@link Hook} backed by Redis (hash {@value #HASH}) with a memory copy in front: reads take memory, then Redis
 * (back-filling memory); writes go to both. When Redis cannot be reached it behaves exactly like the
 * {@link io.jsorc.config.MemoryHook}, remembers what it wrote, and writes it to Redis once Redis answers again.
 *
 * <p>It bootstraps its own connection from {@code REDIS_CONFIG} as the builder and the classpath give it (a builder
 * override, else the resource default, with environment placeholders): the config it serves is never needed to
 * reach it, so building it needs no running service. Every write is announced on its database's channel
 * ({@link #channel}, {@code jsorc:config:<db>}) of that same Redis, and every other orchestrator attached to the same
 * Redis database, subscribed there on a connection of its own ({@link ConfigAnnouncements}), drops its memory copy of
 * that key and tells its change listeners (the orchestrator restarts the service whose config or manifest it is).
 * Where the {@code redis} service points, or whether it runs, does not matter.
 *
 * <p>Every value carries a version ({@link RedisConfigScripts} has the storage format); writes are compare-and-set
 * on it. A write Redis does not take stays pending and a daemon ({@code jsorc-config-sync}) retries it, storing it
 * only where Redis still holds the version it was based on (else the newer value wins, logged at WARN). The daemon
 * also notices a Redis that lost its data (no or another {@code jsorc:epoch}) and re-seeds it from the memory copy,
 * where a default stored meanwhile never beats a value set through the API. Deletes leave a tombstone, so a replica
 * that was away still honours them.
 */
@Repository(name = "hook", priority = 1)
public class RedisHook implements Hook, OrchestratorAware, AutoCloseable {

    /** The Redis hash that holds the globs. */
    public static final String HASH = "jsorc:global";
    /**
     * The prefix of the channels config changes are announced on: one per database, {@code jsorc:config:<db>}
     * ({@link #channel}), since Redis's pub/sub ignores the database and hosts on other databases of the same server
     * must not hear this one's changes.
     */
    public static final String CHANNEL = "jsorc:config";

    /**
     * Names the channel the config changes of one database are announced on.
     *
     * @param db the database ({@code null}: 0)
     * @return e.g. {@code jsorc:config:1}
     */
    public static String channel(Integer db) {
        return CHANNEL + ":" + (db == null ? 0 : db);
    }

    private RedisConfigState state;

    /** Built by the orchestrator. */
    public RedisHook() {
    }

    @Override
    public void attach(ComponentContext context) {
        this.state = context.shared(RedisConfigState.class, () -> new RedisConfigState(context));
    }

    @Override
    public Optional<String> getGlob(String key) {
        RedisConfigState.Entry cached = state.memory.get(key);
        if (cached != null) {
            state.servedFromMemory();
            return Optional.of(cached.json());
        }
        Pending pending = state.pending.get(key);
        if (pending != null && pending.op() == Op.DEL) {
            return Optional.empty();
        }
        RedisConfigConnection redis = state.client();
        if (redis == null) {
            return Optional.empty();
        }
        try {
            long generation = state.generation(key);
            Stored stored = state.run(redis, RedisConfigScripts.Op.GET, key, null, 0, "", null);
            state.reached();
            if (stored.value() != null) {
                state.backFill(key, new RedisConfigState.Entry(stored.value(), stored.version(), stored.kind()), generation);
            }
            return Optional.ofNullable(stored.value());
        } catch (RuntimeException e) {
            state.unreachable("reading " + key, e);
            return Optional.ofNullable(state.memory.get(key)).map(RedisConfigState.Entry::json);
        }
    }

    @Override
    public void setGlob(String key, String json) {
        setGlob(key, json, Durability.BEST_EFFORT);
    }

    @Override
    public void setGlob(String key, String json, Durability durability) {
        state.write(key, Op.SET, json, durability);
    }

    @Override
    public String updateGlob(String key, UnaryOperator<String> change, Durability durability) {
        return state.update(key, change, durability);
    }

    @Override
    public String getOrCreateGlob(String key, String defaultJson) {
        Optional<String> existing = getGlob(key);
        if (existing.isPresent()) {
            return existing.get();
        }
        RedisConfigConnection redis = state.client();
        if (redis != null) {
            try {
                synchronized (state) {
                    Stored stored = state.run(redis, RedisConfigScripts.Op.DEFAULT, key, defaultJson, 0, "", null);
                    if (stored.value() != null) {
                        state.memory.put(key, new RedisConfigState.Entry(stored.value(), stored.version(), stored.kind()));
                        return stored.value();
                    }
                }
            } catch (RuntimeException e) {
                state.unreachable("creating " + key, e);
            }
        }
        synchronized (state) {
            RedisConfigState.Entry previous = state.memory.putIfAbsent(key, new RedisConfigState.Entry(defaultJson, RedisConfigScripts.NONE, "default"));
            if (previous != null) {
                return previous.json();
            }
            state.pending.putIfAbsent(key, new Pending(Op.DEFAULT, defaultJson, RedisConfigScripts.NONE,
                    state.epoch));
            return defaultJson;
        }
    }

    @Override
    public void deleteGlob(String key) {
        deleteGlob(key, Durability.BEST_EFFORT);
    }

    @Override
    public void deleteGlob(String key, Durability durability) {
        state.write(key, Op.DEL, null, durability);
    }

    @Override
    public Set<String> globKeys() {
        Set<String> keys = new TreeSet<>(state.memory.keySet());
        RedisConfigConnection redis = state.client();
        if (redis != null) {
            try {
                keys.addAll(redis.hkeys(HASH));
            } catch (RuntimeException e) {
                state.unreachable("listing keys", e);
            }
        }
        state.pending.snapshot().forEach((key, pending) -> {
            if (pending.op() == Op.DEL) {
                keys.remove(key);
            }
        });
        return keys;
    }

    /** Writes what was kept while Redis could not take it, if it takes it now. */
    @Override
    public void commit() {
        state.flush();
    }

    /** {@return whether it stores in Redis (REDIS_CONFIG enabled), where every replica reads and writes} */
    @Override
    public boolean isShared() {
        return state != null && state.bootstrap != null;
    }

    @Override
    public String describe() {
        RedisService.Settings bootstrap = state == null ? null : state.bootstrap;
        if (bootstrap == null) {
            return "in memory (RedisHook with REDIS_CONFIG disabled or absent: nothing is shared)";
        }
        return "Redis at " + state.address() + " db "
                + (bootstrap.db() == null ? 0 : bootstrap.db()) + ", hash " + HASH + " (RedisHook, from REDIS_CONFIG "
                + "as the builder or the classpath give it; pin another store with -Djsorc.hook=memory)";
    }

    @Override
    public void addChangeListener(Consumer<String> listener) {
        state.listeners.add(listener);
    }

    /** {@return whether this store hears replicas' changes right now (for tests and diagnostics)} */
    boolean isSubscribed() {
        return state.isSubscribed();
    }

    /** {@return the keys this replica holds a memory copy of (for tests and diagnostics)} */
    Set<String> cachedKeys() {
        return Set.copyOf(state.memory.keySet());
    }

    /**
     * Returns the keys written while Redis could not take them and not yet in Redis.
     *
     * @return the pending keys, sorted
     */
    public Set<String> pendingKeys() {
        return state.pending.keys();
    }

    @Override
    public int pendingCount() {
        return state == null ? 0 : state.pending.size();
    }

    /** Stops the sync daemon and closes the bootstrap connection; the orchestrator calls it once, when it closes. */
    @Override
    public void close() {
        if (state != null) {
            state.close();
        }
    }
}
