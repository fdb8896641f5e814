package io.jsorc.services.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The redis service's subscription to {@code jsorc:*}: hears replicas' config changes and hands them to the shared
 * {@link RedisLink}. The connection waits without a read timeout, so it is PINGed every {@code pubsub_ping_ms}; a
 * subscription the server drops, or a PING not answered within {@code pubsub_pong_timeout_ms} (a half-open
 * connection), is reported as lost, and the service fails and is rebuilt.
 *
 * <p>It subscribes over a bare {@link Connection}, as {@code Jedis.psubscribe} does inside: the {@code Jedis} class
 * (250 KB of bytecode and a dozen interfaces the client does not load) would be parsed on the start path only to
 * hold that connection, while the service's {@code postRun} waits for the subscription.
 */
final class RedisSubscription {

    private static final Logger log = LoggerFactory.getLogger(RedisSubscription.class);

    private final RedisService.Settings settings;
    private final RedisLink link;
    private final String address;
    private final BooleanSupplier running;
    private final Consumer<RedisServiceException> lost;
    private volatile JedisPubSub subscription;
    private volatile Connection subscriber;
    private volatile long lastPong;

    RedisSubscription(RedisService.Settings settings, RedisLink link, String address, BooleanSupplier running,
                      Consumer<RedisServiceException> lost) {
        this.settings = settings;
        this.link = link;
        this.address = address;
        this.running = running;
        this.lost = lost;
    }

    /** The {@code pubsub} daemon: subscribes and dispatches until the subscription ends. */
    void listen(CountDownLatch subscribed) {
        RedisService.Settings s = settings;
        JedisPubSub pubsub = new JedisPubSub() {
            @Override
            public void onPSubscribe(String pattern, int subscribedChannels) {
                subscribed.countDown();
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                link.dispatch(channel, message);
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
                return; // released before we connected (postRun timed out, or the service was discarded)
            }
            pubsub.proceedWithPatterns(connection, RedisService.CHANNELS);
        } catch (JedisException e) {
            // Not when we closed it ourselves (release): only a subscription the server dropped is a failure.
            if (subscription == pubsub && running.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                lost.accept(new RedisServiceException("Lost the subscription to Redis at " + address + ": "
                        + e.getMessage(), e));
            }
        } finally {
            subscriber = null;
        }
    }

    /**
     * The {@code pubsub-ping} daemon: PINGs the subscription every {@code pubsub_ping_ms}; a PING that cannot be sent,
     * or no PONG within {@code pubsub_pong_timeout_ms} of a PING, marks the service failed. Ends when interrupted, or
     * when the subscription it watches is replaced or released.
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
                if (subscription == pubsub && running.getAsBoolean()) {
                    this.lost.accept(new RedisServiceException("Lost the subscription to Redis at " + address + " ("
                            + RedisService.CHANNELS + "): " + lost, null));
                }
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
                    pubsub.punsubscribe();
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
