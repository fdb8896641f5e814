package io.jsorc.services.redis;

import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import io.jsorc.OrchestratorAware;
import io.jsorc.Repository;
import io.jsorc.config.Hook;
import io.jsorc.config.Json;
import io.jsorc.registry.ComponentKind;
import io.jsorc.registry.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link Hook} backed by Redis (hash {@value #HASH}) with a memory copy in front: reads take memory, then Redis
 * (back-filling memory); writes go to both. When Redis is not running it behaves exactly like the
 * {@link io.jsorc.config.MemoryHook}, remembers what it wrote, and writes it to Redis once the redis service is up
 * again.
 *
 * <p>Every write is announced on channel {@value #CHANNEL}; every other orchestrator attached to the same Redis drops
 * its memory copy of that key and restarts the service whose config or manifest it is, through its regeneration
 * loop.
 */
@Repository(name = "hook", priority = 1)
public class RedisHook implements Hook, OrchestratorAware {

    /** The Redis hash that holds the globs. */
    public static final String HASH = "jsorc:global";
    /** The channel config changes are announced on. */
    public static final String CHANNEL = "jsorc:config";

    private static final Logger log = LoggerFactory.getLogger(RedisHook.class);

    private Orchestrator orchestrator;
    private State state;

    /** Built by the orchestrator. */
    public RedisHook() {
    }

    @Override
    public void attach(Orchestrator owner) {
        this.orchestrator = owner;
        this.state = owner.shared(State.class, () -> new State(owner));
        // Through the proxy rule: a never-running placeholder while redis is not built, so this never recurses.
        CommonService<?> redis = owner.svc("redis");
        if (redis instanceof RedisService running && running.isRunning()) {
            state.flush(running);
        }
    }

    private RedisService redis() {
        RedisService linked = state.link.current();
        if (linked != null) {
            return linked;
        }
        // Builds it on first use; hands back a placeholder when asked from inside its own construction.
        CommonService<?> service = orchestrator.svc("redis");
        return service instanceof RedisService r && r.isRunning() ? r : null;
    }

    @Override
    public Optional<String> getGlob(String key) {
        String cached = state.memory.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        RedisService redis = redis();
        if (redis == null) {
            return Optional.empty();
        }
        try {
            long generation = state.generation(key);
            String stored = redis.hget(HASH, key);
            if (stored != null) {
                state.backFill(key, stored, generation);
            }
            return Optional.ofNullable(stored);
        } catch (RuntimeException e) {
            log.debug("Reading {} from Redis failed; serving memory", key, e);
            return Optional.ofNullable(state.memory.get(key));
        }
    }

    @Override
    public void setGlob(String key, String json) {
        state.memory.put(key, json);
        state.write(redis(), key, new Pending(Op.SET, json));
    }

    @Override
    public String getOrCreateGlob(String key, String defaultJson) {
        Optional<String> existing = getGlob(key);
        if (existing.isPresent()) {
            return existing.get();
        }
        RedisService redis = redis();
        if (redis != null) {
            try {
                redis.hsetnx(HASH, key, defaultJson);
                String stored = redis.hget(HASH, key);
                if (stored != null) {
                    state.memory.put(key, stored);
                    return stored;
                }
            } catch (RuntimeException e) {
                log.debug("Creating {} in Redis failed; keeping it in memory", key, e);
            }
        }
        String previous = state.memory.putIfAbsent(key, defaultJson);
        state.pending.putIfAbsent(key, new Pending(Op.CREATE, defaultJson));
        return previous != null ? previous : defaultJson;
    }

    @Override
    public void deleteGlob(String key) {
        state.memory.remove(key);
        state.write(redis(), key, new Pending(Op.DELETE, null));
    }

    @Override
    public Set<String> globKeys() {
        Set<String> keys = new TreeSet<>(state.memory.keySet());
        RedisService redis = redis();
        if (redis != null) {
            try {
                keys.addAll(redis.hkeys(HASH));
            } catch (RuntimeException e) {
                log.debug("Listing keys in Redis failed; serving memory", e);
            }
        }
        state.pending.forEach((key, pending) -> {
            if (pending.op() == Op.DELETE) {
                keys.remove(key);
            }
        });
        return keys;
    }

    /** Writes what was kept while Redis was down, if it is up now. */
    @Override
    public void commit() {
        RedisService redis = redis();
        if (redis != null) {
            state.flush(redis);
        }
    }

    /** @return the keys written while Redis was down and not yet in Redis */
    public Set<String> pendingKeys() {
        return new TreeSet<>(state.pending.keySet());
    }

    private enum Op { SET, CREATE, DELETE }

    private record Pending(Op op, String value) { }

    /** What all RedisHook instances of one orchestrator share. Writes to Redis happen under its lock. */
    private static final class State {
        final String origin = UUID.randomUUID().toString();
        final ConcurrentMap<String, String> memory = new ConcurrentHashMap<>();
        /** Bumped whenever a replica's change invalidates a key: a read that began earlier must not back-fill. */
        final ConcurrentMap<String, Long> generations = new ConcurrentHashMap<>();
        final ConcurrentMap<String, Pending> pending = new ConcurrentHashMap<>();
        final RedisLink link;
        final Orchestrator orchestrator;

        State(Orchestrator orchestrator) {
            this.orchestrator = orchestrator;
            this.link = orchestrator.shared(RedisLink.class, RedisLink::new);
            link.onUp(this::resync);
            link.handle(CHANNEL, (channel, message) -> changed(message));
        }

        long generation(String key) {
            return generations.getOrDefault(key, 0L);
        }

        synchronized void backFill(String key, String value, long generationAtRead) {
            if (generation(key) == generationAtRead && !pending.containsKey(key)) {
                memory.put(key, value);
            }
        }

        synchronized void invalidate(String key) {
            generations.merge(key, 1L, Long::sum);
            memory.remove(key);
        }

        synchronized void write(RedisService redis, String key, Pending change) {
            if (redis != null) {
                try {
                    apply(redis, key, change);
                    pending.remove(key);
                    return;
                } catch (RuntimeException e) {
                    log.debug("Writing {} to Redis failed; keeping it until Redis is back", key, e);
                }
            }
            pending.put(key, change);
        }

        private void apply(RedisService redis, String key, Pending change) {
            switch (change.op()) {
                case SET -> redis.hset(HASH, key, change.value());
                case CREATE -> {
                    redis.hsetnx(HASH, key, change.value());
                    String stored = redis.hget(HASH, key);
                    if (stored != null) {
                        memory.put(key, stored);
                    }
                    return; // created from a default: nothing changed for the replicas
                }
                case DELETE -> redis.hdel(HASH, key);
                default -> throw new IllegalStateException("unknown op " + change.op());
            }
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("key", key);
            message.put("origin", origin);
            redis.publish(CHANNEL, Json.write(message));
        }

        /**
         * Redis (re)appeared: write what was kept, and catch up on changes replicas announced while we could not
         * hear them — a memory copy that differs from Redis is dropped and its service restarted.
         */
        void resync(RedisService redis) {
            Map<String, String> before;
            synchronized (this) {
                before = new java.util.HashMap<>(memory);
                before.keySet().removeAll(pending.keySet());
            }
            flush(redis);
            for (Map.Entry<String, String> copy : before.entrySet()) {
                String stored;
                try {
                    stored = redis.hget(HASH, copy.getKey());
                } catch (RuntimeException e) {
                    log.debug("Resync of {} failed", copy.getKey(), e);
                    continue;
                }
                if (!copy.getValue().equals(stored)) {
                    invalidate(copy.getKey());
                    restartOwners(copy.getKey());
                }
            }
        }

        synchronized void flush(RedisService redis) {
            for (Map.Entry<String, Pending> entry : pending.entrySet()) {
                try {
                    apply(redis, entry.getKey(), entry.getValue());
                    pending.remove(entry.getKey(), entry.getValue());
                } catch (RuntimeException e) {
                    log.debug("Flushing {} to Redis failed; will retry", entry.getKey(), e);
                    return;
                }
            }
        }

        private void changed(String message) {
            Map<String, Object> change;
            try {
                change = Json.parseObject(message, "config change message");
            } catch (IllegalArgumentException e) {
                log.warn("Ignoring a malformed message on {}: {}", CHANNEL, e.getMessage());
                return;
            }
            if (origin.equals(change.get("origin")) || !(change.get("key") instanceof String key)) {
                return;
            }
            invalidate(key);
            restartOwners(key);
        }

        private void restartOwners(String key) {
            if (!orchestrator.isStarted()) {
                return;
            }
            for (Registration service : orchestrator.registry().all(ComponentKind.SERVICE)) {
                if (key.equals(service.configKey()) || key.equals(service.manifestKey())) {
                    log.info("Config {} changed on another replica; restarting service '{}'", key, service.name());
                    orchestrator.requestRestart(service.name());
                }
            }
        }
    }
}
