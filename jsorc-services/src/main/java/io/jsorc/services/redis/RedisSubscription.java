package io.jsorc.services.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One subscription to one channel over a bare jedis {@link Connection}, with its PING/PONG keepalive: the config
 * store's ({@link ConfigAnnouncements}) to its database's announcement channel. The connection waits without a read
 * timeout, so {@link #ping} PINGs it every {@code pubsub_ping_ms}; a subscription the server drops, or a PING not
 * answered within {@code pubsub_pong_timeout_ms} (a half-open connection, which no other check sees), is reported as
 * lost, once.
 *
 * <p>A bare {@link Connection}, as {@code Jedis.subscribe} uses inside: the {@code Jedis} class (250 KB of bytecode and
 * a dozen interfaces) would be parsed only to hold that connection.
 */
final class RedisSubscription {

    private static final Logger log = LoggerFactory.getLogger(RedisSubscription.class);

    private final RedisService.Settings settings;
    private final String channel;
    private final String address;
    private final BiConsumer<String, String> onMessage;
    private final BooleanSupplier running;
    private final Consumer<RedisServiceException> lost;
    private volatile JedisPubSub subscription;
    private volatile Connection subscriber;
    private volatile long lastPong;
    private volatile boolean confirmed;

    /**
     * @param settings  where to connect, and the keepalive's timing
     * @param channel   the channel to subscribe to
     * @param address   the server as messages name it
     * @param onMessage gets each message's channel and text, on the listening thread
     * @param running   whether a loss still matters (false once the owner let go)
     * @param lost      told once when the subscription is lost while {@code running}
     */
    RedisSubscription(RedisService.Settings settings, String channel, String address,
                      BiConsumer<String, String> onMessage, BooleanSupplier running,
                      Consumer<RedisServiceException> lost) {
        this.settings = settings;
        this.channel = channel;
        this.address = address;
        this.onMessage = onMessage;
        this.running = running;
        this.lost = lost;
    }

    /**
     * Connects, subscribes and dispatches until the subscription ends: {@link #stop}, or a loss (reported to
     * {@code lost}). Runs on the caller's thread.
     *
     * @param subscribed run on this thread once the server confirmed the subscription, before any message
     */
    void listen(Runnable subscribed) {
        RedisService.Settings s = settings;
        JedisPubSub pubsub = new JedisPubSub() {
            @Override
            public void onSubscribe(String heardOn, int subscribedChannels) {
                confirmed = true;
                subscribed.run();
            }

            @Override
            public void onMessage(String heardOn, String message) {
                onMessage.accept(heardOn, message);
            }

            @Override
            public void onPong(String pattern) {
                lastPong = System.nanoTime();
            }
        };
        subscription = pubsub;
        try (Connection connection = new Connection(new HostAndPort(s.hostOrDefault(), s.portOrDefault()),
                s.clientConfig(0, s.connect_timeout_ms() == null ? 2000 : s.connect_timeout_ms(), true))) {
            subscriber = connection;
            if (subscription != pubsub) {
                return; // stopped before we connected
            }
            pubsub.proceed(connection, channel);
            // proceed returns when the server confirms an unsubscribe: ours (stop), or one nobody asked for.
            report(pubsub, "the server ended it");
        } catch (JedisException e) {
            // Not when we closed it ourselves (stop): only a subscription the server dropped is a failure.
            report(pubsub, e.getMessage());
        } finally {
            subscriber = null;
        }
    }

    private synchronized void report(JedisPubSub pubsub, String why) {
        if (subscription == pubsub && running.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
            subscription = null;
            lost.accept(new RedisServiceException((confirmed ? "Lost the subscription to " : "Could not subscribe to ")
                    + channel + " on Redis at " + address + ": " + why, null));
        }
    }

    /**
     * The keepalive, on a thread of its own once subscribed: PINGs the subscription every {@code pubsub_ping_ms}; a
     * PING that cannot be sent, or no PONG within {@code pubsub_pong_timeout_ms} of a PING, reports the subscription
     * lost. Ends when interrupted, or when the subscription it watches is stopped or lost.
     */
    void ping() {
        RedisService.Settings s = settings;
        JedisPubSub pubsub = subscription;
        long interval = TimeUnit.MILLISECONDS.toNanos(s.pingMillis());
        long pongTimeout = TimeUnit.MILLISECONDS.toNanos(s.pongTimeoutMillis());
        lastPong = System.nanoTime();
        long unanswered = 0; // when the oldest PING not yet answered was sent; 0: none
        while (!Thread.currentThread().isInterrupted() && pubsub != null && subscription == pubsub && running.getAsBoolean()) {
            try {
                // A PING per tick while none is unanswered; a lost one is seen within a tick of its deadline.
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Math.min(interval, pongTimeout / 2)) + 1);
            } catch (InterruptedException e) {
                return;
            }
            if (subscription != pubsub || !running.getAsBoolean()) {
                return;
            }
            long now = System.nanoTime();
            if (unanswered != 0 && lastPong - unanswered >= 0) {
                unanswered = 0; // answered
            }
            String lost = null;
            if (unanswered != 0 && now - unanswered > pongTimeout) {
                lost = "no PONG within " + s.pongTimeoutMillis() + " ms of a PING";
            } else if (unanswered == 0) {
                try {
                    unanswered = System.nanoTime();
                    pubsub.ping();
                } catch (RuntimeException e) {
                    lost = "PING failed: " + e.getMessage();
                }
            }
            if (lost != null) {
                report(pubsub, lost);
                stop(); // ends listen(), whose read would otherwise wait on the half-open connection for ever
                return;
            }
        }
    }

    /** Unsubscribes and closes the connection, ending both daemons. */
    void stop() {
        JedisPubSub pubsub = subscription;
        subscription = null;
        if (pubsub != null) {
            try {
                if (pubsub.isSubscribed()) {
                    pubsub.unsubscribe();
                }
            } catch (RuntimeException e) {
                log.debug("Unsubscribing threw", e);
            }
        }
        Connection connection = subscriber;
        if (connection != null) {
            try {
                connection.close();
                // Closing may return the socket to nobody while psubscribe reads it: disconnect to unblock it.
                connection.disconnect();
            } catch (RuntimeException e) {
                log.debug("Closing the subscriber threw", e);
            }
        }
    }
}
