package io.jsorc.services.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One subscription to one channel over a bare jedis {@link Connection}, with its keepalive: the config store's
 * ({@link ConfigAnnouncements}) to its database's announcement channel, and the {@code redis} service's watch
 * ({@link RedisService#WATCH_CHANNEL}), which tells it at once that its server went away. One use: {@link #listen} on one thread,
 * {@link #keepalive} on another, {@link #stop} from anywhere; a lost subscription is replaced by a new instance.
 *
 * <p>Nothing here waits for ever. The handshake (AUTH, SELECT) has {@code timeout_ms}; the server must confirm the
 * subscription within {@code connect_timeout_ms + timeout_ms}; after that the connection waits for messages without a
 * read timeout, so the keepalive PINGs it every {@code pubsub_ping_ms}, and no PONG within
 * {@code pubsub_pong_timeout_ms} (a half-open connection, which nothing else notices) counts as a loss. Each loss is
 * reported once, and only while the owner still cares ({@code running}) and did not stop it.
 *
 * <p>A bare {@link Connection}, as {@code Jedis.subscribe} uses inside: the {@code Jedis} class (250 KB of bytecode and
 * a dozen interfaces) would be parsed only to hold that connection. It gets one socket: a jedis connection whose
 * socket was closed opens a new one, without the handshake and without a read timeout, on its next command, and a
 * subscription stopped under it would go on there unwatched. Stopping closes the socket (the server then drops the
 * subscription) rather than sending {@code UNSUBSCRIBE}, which a closed connection would send on a new socket.
 */
final class RedisSubscription {

    private static final Logger log = LoggerFactory.getLogger(RedisSubscription.class);

    private final RedisService.Settings settings;
    private final String channel;
    private final String address;
    private final BooleanSupplier running;
    private final Consumer<RedisServiceException> lost;
    private final JedisPubSub pubsub;
    private volatile Runnable subscribed = () -> { };
    private volatile Connection subscriber;
    private volatile boolean stopped;
    private volatile boolean confirmed;
    /** While the {@code subscribed} step runs on the listening thread, no PONG can be read: the keepalive waits. */
    private volatile boolean catchingUp;
    private volatile long lastPong;

    /**
     * Prepares one subscription; nothing connects before {@link #listen}.
     *
     * @param settings  where to connect, and the timeouts
     * @param channel   the channel to subscribe to
     * @param address   the server as messages name it (host and port: never credentials)
     * @param onMessage gets each message's text, on the listening thread; what it throws is logged
     * @param running   whether a loss still matters (false once the owner let go)
     * @param lost      told once when the subscription is lost (or never confirmed) while {@code running}
     */
    RedisSubscription(RedisService.Settings settings, String channel, String address, Consumer<String> onMessage,
                      BooleanSupplier running, Consumer<RedisServiceException> lost) {
        this.settings = settings;
        this.channel = channel;
        this.address = address;
        this.running = running;
        this.lost = lost;
        this.pubsub = new JedisPubSub() {
            @Override
            public void onSubscribe(String heardOn, int subscribedChannels) {
                catchingUp = true;
                lastPong = System.nanoTime();
                confirmed = true;
                try {
                    subscribed.run();
                } finally {
                    lastPong = System.nanoTime();
                    catchingUp = false;
                }
            }

            @Override
            public void onMessage(String heardOn, String message) {
                try {
                    onMessage.accept(message);
                } catch (RuntimeException e) {
                    log.warn("Handling a message on {} threw", heardOn, e);
                }
            }

            @Override
            public void onPong(String pattern) {
                lastPong = System.nanoTime();
            }
        };
    }

    /**
     * Connects, subscribes and dispatches until the subscription ends: {@link #stop}, or a loss (reported to
     * {@code lost}). Runs on the caller's thread.
     *
     * @param subscribed run on this thread once the server confirmed the subscription, before any message
     */
    void listen(Runnable subscribed) {
        this.subscribed = subscribed;
        RedisService.Settings s = settings;
        if (stopped) {
            return;
        }
        JedisClientConfig config = s.clientConfig(s.timeoutMillis(), s.connectTimeoutMillis(), true);
        try (Connection connection = new Connection(oneSocket(new DefaultJedisSocketFactory(
                new HostAndPort(s.hostOrDefault(), s.portOrDefault()), config)), config)) {
            subscriber = connection;
            // stop() closes the connection it sees; one it did not see yet is not used (both fields are volatile).
            if (stopped) {
                return;
            }
            connection.setTimeoutInfinite(); // messages may be hours apart: the keepalive bounds every wait
            pubsub.proceed(connection, channel);
            // proceed returns only when the server confirms an unsubscribe, which we never send.
            report("the server ended it");
        } catch (JedisException e) {
            report(e.getMessage()); // not when we closed it ourselves (stop): only a dropped subscription is lost
        } finally {
            subscriber = null;
        }
    }

    /** A factory that makes the first socket and refuses every later one. */
    private static JedisSocketFactory oneSocket(JedisSocketFactory sockets) {
        AtomicBoolean made = new AtomicBoolean();
        return () -> {
            if (made.getAndSet(true)) {
                throw new JedisConnectionException("the subscription's connection is closed");
            }
            return sockets.createSocket();
        };
    }

    private void report(String why) {
        synchronized (this) {
            if (stopped || !running.getAsBoolean()) {
                return;
            }
            stopped = true;
        }
        // Outside the lock: the owner's reaction may stop this subscription and wait for the listening thread,
        // which may itself be about to report (and would otherwise wait for this lock).
        lost.accept(new RedisServiceException((confirmed ? "Lost the subscription to " : "Could not subscribe to ")
                + channel + " on Redis at " + address + ": " + why, null));
    }

    /**
     * The keepalive, on a thread of its own from before {@link #listen} begins: the subscription must be confirmed
     * within {@code connect_timeout_ms + timeout_ms}; from then on it is PINGed every {@code pubsub_ping_ms}. No
     * confirmation, a PING that cannot be sent, or no PONG within {@code pubsub_pong_timeout_ms} of a PING reports the
     * subscription lost and stops it. Ends when interrupted, stopped, or the owner lets go.
     */
    void keepalive() {
        RedisService.Settings s = settings;
        long interval = TimeUnit.MILLISECONDS.toNanos(s.pingMillis());
        long pongTimeout = TimeUnit.MILLISECONDS.toNanos(s.pongTimeoutMillis());
        long confirmMillis = (long) s.connectTimeoutMillis() + s.timeoutMillis();
        long confirmBy = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(confirmMillis);
        long tickMillis = Math.min(TimeUnit.NANOSECONDS.toMillis(Math.min(interval, pongTimeout / 2)), 250) + 1;
        long unanswered = 0; // when the oldest PING not yet answered was sent; 0: none
        while (!stopped && running.getAsBoolean()) {
            try {
                // A PING per interval while none is unanswered; a lost one is seen within a tick of its deadline.
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            }
            if (stopped || !running.getAsBoolean()) {
                return;
            }
            if (catchingUp) {
                continue;
            }
            long now = System.nanoTime();
            String why = null;
            if (!confirmed) {
                if (now - confirmBy > 0) {
                    why = "not confirmed within " + confirmMillis + " ms";
                }
            } else if (unanswered != 0 && lastPong - unanswered >= 0) {
                unanswered = 0; // answered
            } else if (unanswered != 0 && now - unanswered > pongTimeout) {
                why = "no PONG within " + s.pongTimeoutMillis() + " ms of a PING";
            } else if (unanswered == 0 && now - lastPong >= interval) {
                try {
                    unanswered = System.nanoTime();
                    pubsub.ping();
                } catch (RuntimeException e) {
                    why = "PING failed: " + e.getMessage();
                }
            }
            if (why != null) {
                report(why);
                stop(); // ends listen(), whose read would otherwise wait on the half-open connection for ever
                return;
            }
        }
    }

    /**
     * Closes the connection, which ends the subscription on the server: {@link #listen} returns, and the keepalive
     * ends within a tick.
     */
    void stop() {
        stopped = true;
        Connection connection = subscriber;
        if (connection != null) {
            try {
                connection.close();
                // Closing may return the socket to nobody while proceed reads it: disconnect to unblock it.
                connection.disconnect();
            } catch (RuntimeException e) {
                log.debug("Closing the subscriber threw", e);
            }
        }
    }
}
