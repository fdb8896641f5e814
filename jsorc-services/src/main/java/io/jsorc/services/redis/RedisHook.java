package io.jsorc.services.redis;

import io.jsorc.ComponentContext;
import io.jsorc.OrchestratorAware;
import io.jsorc.Repository;
import io.jsorc.base.Json;
import io.jsorc.config.Hook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A {@link Hook} backed by Redis (hash {@value #HASH}) with a memory copy in front: reads take memory, then Redis
 * (back-filling memory); writes go to both. When Redis cannot be reached it behaves exactly like the
 * {@link io.jsorc.config.MemoryHook}, remembers what it wrote, and writes it to Redis once Redis answers again.
 *
 * <p>It bootstraps its own connection from {@code REDIS_CONFIG} as the builder and the classpath give it (a builder
 * override, else the resource default, with environment placeholders): the config it serves is never needed to
 * reach it, so building it needs no running service. It shares the per-orchestrator {@link RedisLink} with the
 * {@code redis} service, whose {@code pubsub} daemon hears replicas' changes: every write is announced on channel
 * {@value #CHANNEL}, and every other orchestrator attached to the same Redis drops its memory copy of that key and
 * tells its change listeners (the orchestrator restarts the service whose config or manifest it is).
 */
@Repository(name = "hook", priority = 1)
public class RedisHook implements Hook, OrchestratorAware, AutoCloseable {

    /** The Redis hash that holds the globs. */
    public static final String HASH = "jsorc:global";
    /** The channel config changes are announced on. */
    public static final String CHANNEL = "jsorc:config";

    private static final Logger log = LoggerFactory.getLogger(RedisHook.class);

    private State state;

    /** Built by the orchestrator. */
    public RedisHook() {
    }

    @Override
    public void attach(ComponentContext context) {
        this.state = context.shared(State.class, () -> new State(context));
    }

    @Override
    public Optional<String> getGlob(String key) {
        String cached = state.memory.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        RedisClient redis = state.client();
        if (redis == null) {
            return Optional.empty();
        }
        try {
            long generation = state.generation(key);
            String stored = redis.hget(HASH, key);
            state.reached();
            if (stored != null) {
                state.backFill(key, stored, generation);
            }
            return Optional.ofNullable(stored);
        } catch (RuntimeException e) {
            state.unreachable("reading " + key, e);
            return Optional.ofNullable(state.memory.get(key));
        }
    }

    @Override
    public void setGlob(String key, String json) {
        state.memory.put(key, json);
        state.write(key, new Pending(Op.SET, json));
    }

    @Override
    public String getOrCreateGlob(String key, String defaultJson) {
        Optional<String> existing = getGlob(key);
        if (existing.isPresent()) {
            return existing.get();
        }
        RedisClient redis = state.client();
        if (redis != null) {
            try {
                redis.hsetnx(HASH, key, defaultJson);
                String stored = redis.hget(HASH, key);
                if (stored != null) {
                    state.memory.put(key, stored);
                    return stored;
                }
            } catch (RuntimeException e) {
                state.unreachable("creating " + key, e);
            }
        }
        String previous = state.memory.putIfAbsent(key, defaultJson);
        state.pending.putIfAbsent(key, new Pending(Op.CREATE, defaultJson));
        return previous != null ? previous : defaultJson;
    }

    @Override
    public void deleteGlob(String key) {
        state.memory.remove(key);
        state.write(key, new Pending(Op.DELETE, null));
    }

    @Override
    public Set<String> globKeys() {
        Set<String> keys = new TreeSet<>(state.memory.keySet());
        RedisClient redis = state.client();
        if (redis != null) {
            try {
                keys.addAll(redis.hkeys(HASH));
            } catch (RuntimeException e) {
                state.unreachable("listing keys", e);
            }
        }
        state.pending.forEach((key, pending) -> {
            if (pending.op() == Op.DELETE) {
                keys.remove(key);
            }
        });
        return keys;
    }

    /** Writes what was kept while Redis could not be reached, if it answers now. */
    @Override
    public void commit() {
        state.flush();
    }

    @Override
    public String describe() {
        RedisService.Settings bootstrap = state == null ? null : state.bootstrap;
        if (bootstrap == null) {
            return "in memory (RedisHook with REDIS_CONFIG disabled or absent: nothing is shared)";
        }
        return "Redis at " + bootstrap.hostOrDefault() + ":" + bootstrap.portOrDefault() + " db "
                + (bootstrap.db() == null ? 0 : bootstrap.db()) + ", hash " + HASH + " (RedisHook, from REDIS_CONFIG "
                + "as the builder or the classpath give it; pin another store with -Djsorc.hook=memory)";
    }

    @Override
    public void addChangeListener(Consumer<String> listener) {
        state.listeners.add(listener);
    }

    /**
     * Returns the keys written while Redis could not be reached and not yet in Redis.
     *
     * @return the pending keys, sorted
     */
    public Set<String> pendingKeys() {
        return new TreeSet<>(state.pending.keySet());
    }

    /** Closes the bootstrap connection; the orchestrator calls it once, on the backend it resolved. */
    @Override
    public void close() {
        if (state != null) {
            state.close();
        }
    }

    private enum Op { SET, CREATE, DELETE }

    private record Pending(Op op, String value) { }

    /** What all RedisHook instances of one orchestrator share. Writes to Redis happen under its lock. */
    private static final class State {
        private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

        /** Tells this orchestrator's own announcements from replicas'; unique, not secret (no SecureRandom: its
         *  seeding costs tens of ms at startup). */
        final String origin = new UUID(ThreadLocalRandom.current().nextLong() ^ System.nanoTime(),
                ThreadLocalRandom.current().nextLong()).toString();
        final ConcurrentMap<String, String> memory = new ConcurrentHashMap<>();
        /** Bumped whenever a replica's change invalidates a key: a read that began earlier must not back-fill. */
        final ConcurrentMap<String, Long> generations = new ConcurrentHashMap<>();
        final ConcurrentMap<String, Pending> pending = new ConcurrentHashMap<>();
        final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
        final ComponentContext context;
        final RedisService.Settings bootstrap;
        final AtomicBoolean subscriberRequested = new AtomicBoolean();
        private volatile RedisClient client;
        private volatile long retryAtNanos;
        private volatile boolean closed;

        State(ComponentContext context) {
            this.context = context;
            this.bootstrap = bootstrapSettings(context);
            RedisLink link = context.shared(RedisLink.class, RedisLink::new);
            link.onUp(service -> {
                retryAtNanos = 0;
                resync();
            });
            link.handle(CHANNEL, (channel, message) -> changed(message));
        }

        /** REDIS_CONFIG as the builder or the classpath give it; {@code null} when Redis is disabled there. */
        private static RedisService.Settings bootstrapSettings(ComponentContext context) {
            Map<String, Object> config = context.defaultConfig("REDIS_CONFIG").orElse(null);
            if (config == null || !Boolean.parseBoolean(String.valueOf(config.getOrDefault("enabled", "true")))) {
                return null;
            }
            Map<String, Object> own = new LinkedHashMap<>(config);
            own.keySet().removeAll(Set.of("enabled", "automated", "quiet"));
            RedisService.Settings settings = Json.bind(own, RedisService.Settings.class);
            return settings;
        }

        /** The bootstrap connection, or {@code null} while Redis is disabled, closed or recently unreachable. */
        RedisClient client() {
            if (bootstrap == null || closed || System.nanoTime() - retryAtNanos < 0) {
                return null;
            }
            RedisClient current = client;
            if (current == null) {
                synchronized (this) {
                    current = client;
                    if (current == null && !closed) {
                        current = connect(bootstrap);
                        client = current;
                    }
                }
            }
            requestSubscriber();
            return current;
        }

        private static RedisClient connect(RedisService.Settings s) {
            int timeout = s.timeout_ms() == null ? 2000 : s.timeout_ms();
            int connectTimeout = s.connect_timeout_ms() == null ? 2000 : s.connect_timeout_ms();
            ConnectionPoolConfig pool = new ConnectionPoolConfig();
            pool.setMaxTotal(4);
            pool.setMaxIdle(2);
            pool.setMinIdle(0);
            pool.setMaxWait(Duration.ofMillis(timeout));
            pool.setJmxEnabled(false); // as the redis service's pool: no platform MBean server at startup
            return RedisClient.builder().hostAndPort(s.hostOrDefault(), s.portOrDefault())
                    .clientConfig(s.clientConfig(timeout, connectTimeout)).poolConfig(pool).build();
        }

        /**
         * Replicas' changes are heard through the {@code redis} service's subscription: build it once the
         * orchestrator runs. Asked from a config read (never from this hook's construction), and only once, so the
         * service's own config read through this hook does not ask again.
         */
        private void requestSubscriber() {
            if (context.isStarted() && subscriberRequested.compareAndSet(false, true)) {
                try {
                    context.svc("redis");
                } catch (RuntimeException e) {
                    log.debug("The redis service could not be built for the config subscription", e);
                }
            }
        }

        void reached() {
            if (!pending.isEmpty()) {
                flush();
            }
        }

        void unreachable(String what, RuntimeException e) {
            retryAtNanos = System.nanoTime() + RETRY_NANOS;
            log.debug("Redis could not be reached {}; serving memory, retrying in 1 s", what, e);
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

        synchronized void write(String key, Pending change) {
            RedisClient redis = client();
            if (redis != null) {
                try {
                    apply(redis, key, change);
                    pending.remove(key);
                    return;
                } catch (RuntimeException e) {
                    unreachable("writing " + key, e);
                }
            }
            pending.put(key, change);
        }

        private void apply(RedisClient redis, String key, Pending change) {
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
         * hear them — a memory copy that differs from Redis is dropped and its listeners told.
         */
        void resync() {
            Map<String, String> before;
            synchronized (this) {
                before = new java.util.HashMap<>(memory);
                before.keySet().removeAll(pending.keySet());
            }
            flush();
            RedisClient redis = client();
            if (redis == null) {
                return;
            }
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
                    tell(copy.getKey());
                }
            }
        }

        synchronized void flush() {
            RedisClient redis = client();
            if (redis == null) {
                return;
            }
            for (Map.Entry<String, Pending> entry : pending.entrySet()) {
                try {
                    apply(redis, entry.getKey(), entry.getValue());
                    pending.remove(entry.getKey(), entry.getValue());
                } catch (RuntimeException e) {
                    unreachable("flushing " + entry.getKey(), e);
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
            tell(key);
        }

        private void tell(String key) {
            for (Consumer<String> listener : listeners) {
                try {
                    listener.accept(key);
                } catch (RuntimeException e) {
                    log.warn("A config change listener threw on {}", key, e);
                }
            }
        }

        synchronized void close() {
            closed = true;
            RedisClient current = client;
            client = null;
            if (current != null) {
                try {
                    current.close();
                } catch (RuntimeException e) {
                    log.debug("Closing the config store's Redis connection threw", e);
                }
            }
        }
    }
}
