package io.jsorc.services.redis;

import io.jsorc.CommonService;
import io.jsorc.Service;
import io.jsorc.ServiceNotRunningException;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The {@code redis} service: a pooled jedis {@link RedisClient} checked with PING at start.
 *
 * <p>Config ({@code REDIS_CONFIG}): {@code host}, {@code port}, {@code db}, optional {@code user}, {@code password},
 * {@code ssl}, {@code timeout_ms} (socket, default 2000), {@code connect_timeout_ms} (default 2000),
 * {@code health_timeout_ms} (default 500), {@code pool_max_total} (default 16), {@code pool_max_idle} (default 8),
 * {@code pool_min_idle} (default 0), {@code pubsub_ping_ms} (default 1000), {@code pubsub_pong_timeout_ms} (default 3000).
 *
 * <p>The convenience methods throw {@link RedisServiceException} naming the server; a connection failure also marks
 * the service failed, so the regeneration loop rebuilds it at once instead of on its next health check. Use
 * {@link #app()} (or {@code poke()}) for every other command. A server that goes away is also noticed without a
 * call: a watch connection ({@code watch} daemon) stays subscribed to {@value #WATCH_CHANNEL}, where nothing is
 * published, so the server's going away ends it at once and marks the service failed. It waits without a read
 * timeout, so a second daemon ({@code watch-ping}) PINGs it every {@code pubsub_ping_ms}; no PONG within
 * {@code pubsub_pong_timeout_ms} (a half-open connection, which the health check cannot see) marks the service failed
 * too. The rebuilt instance watches again. (Replicas' config changes are the config store's own subscription, see
 * {@link RedisHook}.)
 */
@Service(name = "redis", manifest = "REDIS_MANIFEST")
public class RedisService extends CommonService<RedisClient> {

    /** The channel the watch connection subscribes to; nothing is published there. */
    static final String WATCH_CHANNEL = "jsorc:redis:watch";

    /** The bound config. */
    record Settings(String host, Integer port, Integer db, String user, String password, Boolean ssl,
                    Integer timeout_ms, Integer connect_timeout_ms, Integer health_timeout_ms,
                    Integer pool_max_total, Integer pool_max_idle, Integer pool_min_idle,
                    Integer pubsub_ping_ms, Integer pubsub_pong_timeout_ms) {

        /** {@return the socket (read) timeout: {@code timeout_ms}, default 2000} */
        int timeoutMillis() {
            return timeout_ms == null ? 2000 : timeout_ms;
        }

        /** {@return the connect timeout: {@code connect_timeout_ms}, default 2000} */
        int connectTimeoutMillis() {
            return connect_timeout_ms == null ? 2000 : connect_timeout_ms;
        }

        int pingMillis() {
            return pubsub_ping_ms == null || pubsub_ping_ms < 1 ? 1000 : pubsub_ping_ms;
        }

        int pongTimeoutMillis() {
            return pubsub_pong_timeout_ms == null || pubsub_pong_timeout_ms < 1 ? 3000 : pubsub_pong_timeout_ms;
        }

        String hostOrDefault() {
            return host == null || host.isBlank() ? "localhost" : host;
        }

        int portOrDefault() {
            return port == null ? 6379 : port;
        }

        JedisClientConfig clientConfig(int socketTimeoutMillis, int connectTimeoutMillis) {
            return clientConfig(socketTimeoutMillis, connectTimeoutMillis, false);
        }

        /**
         * {@code single}: for a connection of its own (health checks, the watch, the config store and its subscription), which
         * speaks the server's default protocol, RESP2, without a {@code HELLO}: its reply is parsed by jedis's
         * {@code BuilderFactory}, a large class graph a fresh JVM then loads on the config store's first read.
         */
        JedisClientConfig clientConfig(int socketTimeoutMillis, int connectTimeoutMillis, boolean single) {
            DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                    .database(db == null ? 0 : db)
                    .socketTimeoutMillis(socketTimeoutMillis)
                    .connectionTimeoutMillis(connectTimeoutMillis)
                    .ssl(Boolean.TRUE.equals(ssl))
                    .clientName("jsorc");
            if (single) {
                builder.serverDefaultProtocol();
            }
            if (user != null && !user.isBlank()) {
                builder.user(user);
            }
            if (password != null && !password.isEmpty()) {
                builder.password(password);
            }
            return builder.build();
        }
    }

    private volatile Settings settings;
    private volatile RedisClient client;
    private volatile RedisSubscription watch;

    /** Built by the orchestrator. */
    public RedisService() {
    }

    @Override
    protected RedisClient run() {
        Settings s = config(Settings.class);
        settings = s;
        int timeout = s.timeoutMillis();
        int connectTimeout = s.connectTimeoutMillis();
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(s.pool_max_total == null ? 16 : s.pool_max_total);
        pool.setMaxIdle(s.pool_max_idle == null ? 8 : s.pool_max_idle);
        pool.setMinIdle(s.pool_min_idle == null ? 0 : s.pool_min_idle);
        pool.setMaxWait(Duration.ofMillis(timeout));
        pool.setTestOnBorrow(false);
        // No JMX MBean per pool: registering it starts the platform MBean server (~150 classes, tens of ms at startup)
        // for numbers nobody reads; the metrics service reports what matters.
        pool.setJmxEnabled(false);
        RedisClient built = RedisClient.builder()
                .hostAndPort(s.hostOrDefault(), s.portOrDefault())
                .clientConfig(s.clientConfig(timeout, connectTimeout))
                .poolConfig(pool)
                .build();
        client = built;
        try {
            String pong = built.ping();
            if (!"PONG".equalsIgnoreCase(pong)) {
                throw new IllegalStateException("Redis at " + address() + " answered PING with " + pong);
            }
        } catch (JedisException e) {
            throw new RedisServiceException("Redis at " + address() + " is unreachable: " + e.getMessage(), e);
        }
        return built;
    }

    /** Starts the watch, and waits (bounded) until the server confirmed it: running means a loss will be noticed. */
    @Override
    protected void postRun() throws InterruptedException {
        CountDownLatch subscribed = new CountDownLatch(1);
        RedisSubscription watching = new RedisSubscription(settings, WATCH_CHANNEL, address(), message -> { },
                this::isRunning, this::watchLost);
        watch = watching;
        spawnDaemon("watch-ping", watching::keepalive);
        spawnDaemon("watch", () -> watching.listen(subscribed::countDown));
        Settings s = settings;
        long wait = (long) s.connectTimeoutMillis() + s.timeoutMillis() + 1000L;
        if (!subscribed.await(wait, TimeUnit.MILLISECONDS)) {
            throw new RedisServiceException("Redis at " + address() + " did not confirm the watch subscription to "
                    + WATCH_CHANNEL + " within " + wait + " ms", null);
        }
    }

    private void watchLost(RedisServiceException cause) {
        try {
            markFailed(cause);
        } catch (IllegalStateException raced) {
            log.debug("Redis service left RUNNING while its watch was lost", raced);
        }
    }

    @Override
    protected void failed(Throwable cause) {
        release();
    }

    @Override
    protected void onDelete() {
        release();
    }

    private void release() {
        RedisSubscription watching = watch;
        watch = null;
        if (watching != null) {
            watching.stop();
        }
        RedisClient c = client;
        client = null;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                log.debug("Closing the Redis client threw", e);
            }
        }
    }

    /**
     * PINGs over a fresh connection with {@code health_timeout_ms} (default 500 ms), so a dead server is noticed
     * within that bound whatever the pool is doing.
     */
    @Override
    public boolean healthy() {
        Settings s = settings;
        if (!isRunning() || s == null) {
            return false;
        }
        int timeout = s.health_timeout_ms == null ? 500 : s.health_timeout_ms;
        try (Jedis jedis = new Jedis(new HostAndPort(s.hostOrDefault(), s.portOrDefault()),
                s.clientConfig(timeout, timeout, true))) {
            return "PONG".equalsIgnoreCase(jedis.ping());
        } catch (JedisException e) {
            return false;
        }
    }

    /** A TCP connect to the configured server (100 ms bound): the loop retries as soon as Redis accepts again. */
    @Override
    public boolean probe() {
        Object host = config().getOrDefault("host", "localhost");
        Object port = config().getOrDefault("port", 6379);
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(String.valueOf(host),
                    Integer.parseInt(String.valueOf(port))), 100);
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ pub/sub

    /**
     * Publishes a message on a channel.
     *
     * @param channel the channel
     * @param message the message
     * @return how many subscribers received it
     */
    public long publish(String channel, String message) {
        return op(c -> c.publish(channel, message));
    }

    // ------------------------------------------------------------------ convenience commands

    /**
     * Reads a string value ({@code GET}).
     *
     * @param key a key
     * @return its string value, or {@code null}
     */
    public String get(String key) {
        return op(c -> c.get(key));
    }

    /**
     * Sets a string value ({@code SET}).
     *
     * @param key   a key
     * @param value its new value
     */
    public void set(String key, String value) {
        op(c -> c.set(key, value));
    }

    /**
     * Tells whether a key exists ({@code EXISTS}).
     *
     * @param key a key
     * @return whether it exists
     */
    public boolean exists(String key) {
        return op(c -> c.exists(key));
    }

    /**
     * Deletes keys ({@code DEL}).
     *
     * @param keys keys
     * @return how many were deleted
     */
    public long delete(String... keys) {
        return op(c -> c.del(keys));
    }

    /**
     * Reads a field of a hash ({@code HGET}).
     *
     * @param hash  a hash
     * @param field a field
     * @return its value, or {@code null}
     */
    public String hget(String hash, String field) {
        return op(c -> c.hget(hash, field));
    }

    /**
     * Sets a field of a hash ({@code HSET}).
     *
     * @param hash  a hash
     * @param field a field
     * @param value its new value
     */
    public void hset(String hash, String field, String value) {
        op(c -> c.hset(hash, field, value));
    }

    /**
     * Sets a field of a hash unless it exists ({@code HSETNX}).
     *
     * @param hash  a hash
     * @param field a field
     * @param value its value when absent
     * @return whether it was set (it was absent)
     */
    public boolean hsetnx(String hash, String field, String value) {
        return op(c -> c.hsetnx(hash, field, value)) == 1;
    }

    /**
     * Tells whether a hash has a field ({@code HEXISTS}).
     *
     * @param hash  a hash
     * @param field a field
     * @return whether it exists
     */
    public boolean hexists(String hash, String field) {
        return op(c -> c.hexists(hash, field));
    }

    /**
     * Deletes fields of a hash ({@code HDEL}).
     *
     * @param hash   a hash
     * @param fields fields
     * @return how many were deleted
     */
    public long hdel(String hash, String... fields) {
        return op(c -> c.hdel(hash, fields));
    }

    /**
     * Lists the fields of a hash ({@code HKEYS}).
     *
     * @param hash a hash
     * @return its field names
     */
    public Set<String> hkeys(String hash) {
        return op(c -> c.hkeys(hash));
    }

    /** Removes every key of every database (FLUSHALL). */
    public void clear() {
        op(RedisClient::flushAll);
    }

    /**
     * Runs a command on the client, turning client exceptions into {@link RedisServiceException}s that name the
     * server. A connection failure marks the service failed.
     *
     * @param command the command
     * @param <T>     its result type
     * @return its result
     * @throws ServiceNotRunningException when the service is not running
     */
    public <T> T op(Function<RedisClient, T> command) {
        RedisClient c = poke("Redis service is not running (" + address() + "): "
                + (error() == null ? state() : error().getMessage()));
        try {
            return command.apply(c);
        } catch (JedisConnectionException e) {
            try {
                markFailed(e);
            } catch (IllegalStateException alreadyFailed) {
                log.trace("Redis service already left RUNNING", alreadyFailed);
            }
            throw new RedisServiceException("Redis at " + address() + " is unreachable: " + e.getMessage(), e);
        } catch (JedisException e) {
            throw new RedisServiceException("Redis command failed at " + address() + ": " + e.getMessage(), e);
        }
    }

    /** {@return {@code host:port/db} from the config} */
    public String address() {
        Settings s = settings;
        if (s == null) {
            Object host = config().getOrDefault("host", "localhost");
            Object port = config().getOrDefault("port", 6379);
            return host + ":" + port;
        }
        return s.hostOrDefault() + ":" + s.portOrDefault() + "/" + (s.db == null ? 0 : s.db);
    }
}
