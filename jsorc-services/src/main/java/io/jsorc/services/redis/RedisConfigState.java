package io.jsorc.services.redis;

import io.jsorc.ComponentContext;
import io.jsorc.base.Backoff;
import io.jsorc.base.Json;
import io.jsorc.config.Durability;
import io.jsorc.services.redis.PendingWrites.Op;
import io.jsorc.services.redis.PendingWrites.Pending;
import io.jsorc.services.redis.RedisConfigScripts.Stored;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;


/**
 * What all {@link RedisHook} instances of one orchestrator share: the memory copy with its versions, the bootstrap
 * connection, the pending writes and their daemon, the change listeners. Writes to Redis happen under its lock.
 */
final class RedisConfigState {

    private static final Logger log = LoggerFactory.getLogger(RedisHook.class);

    /** A memory copy: the JSON, the stored version it is (or is based on), its kind ({@code set}, {@code default}). */
    record Entry(String json, long version, String kind) { }

    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Tells this orchestrator's announcements from replicas'. */
    final String origin = RedisConfigScripts.uniqueId();
    final ConcurrentMap<String, Entry> memory = new ConcurrentHashMap<>();
    /** Bumped whenever a replica's change invalidates a key: a read that began earlier must not back-fill. */
    final ConcurrentMap<String, Long> generations = new ConcurrentHashMap<>();
    final PendingWrites pending = new PendingWrites(this::tick);
    final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    final ComponentContext context;
    final RedisService.Settings bootstrap;
    /** Where this store's database announces its changes (only its own are heard). */
    final String channel;
    /** {@code null} while Redis is disabled. */
    private final ConfigAnnouncements announcements;
    private final RedisRepair repair;
    private final ConfigWrites writes = new ConfigWrites(this);
    /** The data set ({@code jsorc:epoch}) the memory copy belongs to; {@code ""} until known. */
    volatile String epoch = "";
    private volatile RedisConfigConnection client;
    private volatile long retryAtNanos;
    /**
     * A catch-up (a resync after a confirmed subscription) is still owed: cleared as one begins, set again when it
     * fails, so {@link #tick} retries it, with a backoff (a Redis that refuses the scripts must not be asked 5 times a
     * second).
     */
    private final AtomicBoolean catchUpOwed = new AtomicBoolean();
    private final Backoff catchUpRetry = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));
    private volatile boolean closed;

    RedisConfigState(ComponentContext context) {
        this.context = context;
        this.repair = new RedisRepair(context);
        this.bootstrap = bootstrapSettings(context);
        this.channel = RedisHook.channel(bootstrap == null ? null : bootstrap.db());
        this.announcements = bootstrap == null ? null : new ConfigAnnouncements(context, bootstrap, channel, address(),
                this::changed, this::subscribed);
    }

    /** REDIS_CONFIG as the builder or the classpath give it; {@code null} when Redis is disabled there. */
    private static RedisService.Settings bootstrapSettings(ComponentContext context) {
        Map<String, Object> config = context.defaultConfig("REDIS_CONFIG").orElse(null);
        if (config == null || !Boolean.parseBoolean(String.valueOf(config.getOrDefault("enabled", "true")))) {
            return null;
        }
        Map<String, Object> own = new LinkedHashMap<>(config);
        own.keySet().removeAll(Set.of("enabled", "automated", "quiet"));
        return Json.bind(own, RedisService.Settings.class);
    }

    String address() {
        if (bootstrap == null) {
            return "(none: REDIS_CONFIG is disabled)";
        }
        return bootstrap.hostOrDefault() + ":" + bootstrap.portOrDefault();
    }

    /** The bootstrap connection, or {@code null} while Redis is disabled, closed or recently unreachable. */
    RedisConfigConnection client() {
        if (System.nanoTime() - retryAtNanos < 0) {
            return null;
        }
        RedisConfigConnection current = connection();
        if (current != null) {
            announcements.request();
        }
        return current;
    }

    /** A read the memory copy answered: subscribes too, if nothing did yet (a copy is only as fresh as that). */
    void servedFromMemory() {
        if (announcements != null) {
            announcements.request();
        }
    }

    /** {@return whether replicas' changes are heard right now (for tests and diagnostics)} */
    boolean isSubscribed() {
        return announcements != null && announcements.isSubscribed();
    }

    /** The bootstrap connection regardless of recent failures, or {@code null} while disabled or closed. */
    RedisConfigConnection connection() {
        if (bootstrap == null || closed) {
            return null;
        }
        RedisConfigConnection current = client;
        if (current == null) {
            synchronized (this) {
                current = client;
                if (current == null && !closed) {
                    current = connect(bootstrap);
                    client = current;
                    pending.startDaemon();
                }
            }
        }
        return current;
    }

    /**
     * A connection of the caller's own to the same Redis (the leader lease's: its renewals never wait behind config
     * traffic on a slow server); the caller closes it.
     *
     * @return the connection, not connected yet; {@code null} while Redis is disabled
     */
    RedisConfigConnection newConnection() {
        return bootstrap == null ? null : connect(bootstrap);
    }

    boolean isClosed() {
        return closed;
    }

    /** Not connected yet: the first command connects (and a command after a broken connection reconnects). */
    private static RedisConfigConnection connect(RedisService.Settings s) {
        return new RedisConfigConnection(new HostAndPort(s.hostOrDefault(), s.portOrDefault()),
                s.clientConfig(s.timeoutMillis(), s.connectTimeoutMillis(), true));
    }

    Stored run(RedisConfigConnection redis, RedisConfigScripts.Op op, String key, String json, long base,
               String baseEpoch, String kind) {
        Stored stored = RedisConfigScripts.run(redis, op, key, json, base, baseEpoch, kind, origin, channel);
        if (epoch.isEmpty() && stored.epoch() != null) {
            epoch = stored.epoch();
        }
        return stored;
    }

    void reached() {
        if (!pending.isEmpty()) {
            flush();
        }
    }

    void unreachable(String what, RuntimeException e) {
        retryAtNanos = System.nanoTime() + RETRY_NANOS;
        log.debug("Redis could not take {}; serving memory, retrying", what, e);
        repair.request();
    }

    long generation(String key) {
        return generations.getOrDefault(key, 0L);
    }

    /**
     * Puts what a read found into the memory copy, unless the key changed since the read began (a replica's change,
     * or this replica's own write) or the copy holds a newer version.
     */
    synchronized void backFill(String key, Entry value, long generationAtRead) {
        Entry current = memory.get(key);
        if (generation(key) == generationAtRead && !pending.contains(key)
                && (current == null || current.version() <= value.version())) {
            memory.put(key, value);
        }
    }

    synchronized void invalidate(String key) {
        generations.merge(key, 1L, Long::sum);
        memory.remove(key);
    }

    /** A set or delete; see {@link ConfigWrites#write}. */
    void write(String key, Op op, String json, Durability durability) {
        writes.write(key, op, json, durability);
    }

    /** A change of the value Redis holds now; see {@link ConfigWrites#update}. */
    String update(String key, UnaryOperator<String> change, Durability durability) {
        return writes.update(key, change, durability);
    }

    /** Puts a value this replica wrote (or read back) into the memory copy; {@code null} removes it. */
    void remember(String key, String json, long version, String kind) {
        // A read that began before this write must not back-fill what it read over it.
        generations.merge(key, 1L, Long::sum);
        if (json == null) {
            memory.remove(key);
        } else {
            memory.put(key, new Entry(json, version, kind));
        }
    }

    /** The daemon's tick: retry pending writes, and re-seed a Redis whose data set is not the one we knew. */
    void tick() {
        if (context.isClosed()) {
            return;
        }
        RedisConfigConnection redis = connection();
        if (redis == null) {
            return;
        }
        String now;
        try {
            now = redis.get(RedisConfigScripts.EPOCH);
            retryAtNanos = 0;
        } catch (RuntimeException e) {
            log.debug("Redis at {} does not answer yet", address(), e);
            repair.request();
            return;
        }
        if (!pending.isEmpty()) {
            flush();
        }
        if (now == null ? !memory.isEmpty() : !now.equals(epoch)) {
            catchUp(); // a resync, which also settles one owed
        } else if (catchUpOwed.get() && catchUpRetry.due()) {
            catchUp();
        }
    }

    /** The subscription is (again) confirmed: what replicas changed while nobody listened is caught up on. */
    private void subscribed() {
        retryAtNanos = 0;
        catchUp();
    }

    /** A resync that settles every catch-up owed before it began; a failed one is owed again, for {@link #tick}. */
    private void catchUp() {
        catchUpOwed.set(false);
        if (resync()) {
            catchUpRetry.reset();
        } else {
            catchUpOwed.set(true);
            catchUpRetry.failed();
        }
    }

    /**
     * Redis (re)appeared or lost its data: write what was kept, re-seed what Redis lacks from the memory copy,
     * and catch up on what replicas changed meanwhile — a copy whose key Redis holds with another value, or
     * deleted at a newer version, is dropped and its listeners told.
     *
     * @return whether every copy was compared (else Redis stopped answering, or the store is closed)
     */
    boolean resync() {
        flush();
        RedisConfigConnection redis = connection();
        if (redis == null) {
            return false;
        }
        String knownEpoch = epoch;
        String seen = null;
        for (Map.Entry<String, Entry> copy : Map.copyOf(memory).entrySet()) {
            String key = copy.getKey();
            Entry entry = copy.getValue();
            synchronized (this) {
                if (memory.get(key) != entry || pending.contains(key)) {
                    continue;
                }
                Stored stored;
                try {
                    stored = run(redis, RedisConfigScripts.Op.SEED, key, entry.json(), entry.version(),
                            knownEpoch, entry.kind());
                } catch (RuntimeException e) {
                    unreachable("re-seeding " + key, e);
                    return false;
                }
                seen = stored.epoch();
                if (stored.written()) {
                    memory.put(key, new Entry(entry.json(), stored.version(), entry.kind()));
                    log.debug("Re-seeded {} into Redis at {}", key, address());
                } else if (stored.value() != null && stored.value().equals(entry.json())) {
                    memory.put(key, new Entry(entry.json(), stored.version(), stored.kind()));
                } else if (stored.value() != null || stored.deleted() && stored.version() > entry.version()) {
                    invalidate(key);
                    tell(key);
                }
            }
        }
        if (seen == null) {
            try {
                seen = redis.get(RedisConfigScripts.EPOCH);
            } catch (RuntimeException e) {
                return false;
            }
        }
        if (seen != null) {
            epoch = seen;
        }
        return true;
    }

    /** Writes the pending writes whose base Redis still holds; a newer value wins over the others. */
    synchronized void flush() {
        RedisConfigConnection redis = connection();
        if (redis == null) {
            return;
        }
        for (Map.Entry<String, Pending> entry : pending.snapshot().entrySet()) {
            String key = entry.getKey();
            Pending write = entry.getValue();
            Stored stored;
            try {
                RedisConfigScripts.Op op = switch (write.op()) {
                    case SET -> RedisConfigScripts.Op.SET;
                    case DEL -> RedisConfigScripts.Op.DEL;
                    case DEFAULT -> RedisConfigScripts.Op.DEFAULT;
                };
                stored = run(redis, op, key, write.json(), write.base(), write.baseEpoch(), null);
            } catch (RuntimeException e) {
                unreachable("flushing " + key, e);
                return;
            }
            pending.remove(key, write);
            if (stored.written()) {
                remember(key, write.json(), stored.version(), write.op() == Op.DEFAULT ? "default" : "set");
            } else if (write.op() == Op.DEFAULT) {
                if (stored.value() != null && !stored.value().equals(write.json())) {
                    invalidate(key);
                    tell(key);
                }
            } else {
                log.warn("Config {}: a write kept while Redis could not take it was based on version {}, but "
                        + "Redis holds version {} ({}) now; the newer value wins, this write is dropped", key,
                        write.base(), stored.version(), stored.kind());
                invalidate(key);
                tell(key);
            }
        }
    }

    private void changed(String message) {
        Map<String, Object> change;
        try {
            change = Json.parseObject(message, "config change message");
        } catch (IllegalArgumentException e) {
            log.warn("Ignoring a malformed message on {}: {}", channel, e.getMessage());
            return;
        }
        if (origin.equals(change.get("origin")) || !(change.get("key") instanceof String key)) {
            return;
        }
        Entry mine = memory.get(key);
        if (mine != null && change.get("v") instanceof Number v && v.longValue() == mine.version()) {
            return; // we hold that version already
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

    void close() {
        pending.close();
        if (announcements != null) {
            announcements.close();
        }
        repair.close();
        synchronized (this) {
            closed = true;
            RedisConfigConnection current = client;
            client = null;
            if (current != null) {
                current.close(); // never throws: a broken connection is dropped quietly
            }
        }
    }
}
