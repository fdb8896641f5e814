package io.jsorc.services.redis;

import io.jsorc.ComponentContext;
import io.jsorc.base.Backoff;
import io.jsorc.base.DaemonThreads;
import io.jsorc.lifecycle.FailureLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The config store's subscription to its database's announcement channel ({@link RedisHook#channel}) on the store's
 * own Redis, the one the store writes to and whose scripts announce every write: replicas' changes are heard whatever
 * the {@code redis} service is pointed at, or whether it runs at all.
 *
 * <p>One daemon ({@value #THREAD}) subscribes, and subscribes again whenever the subscription is lost (the server
 * went away, or the keepalive, {@value #PING_THREAD}, found the connection half-open), after a backoff of 100 ms
 * doubling to 5 s. Each time it is subscribed it first has the memory copy compared with Redis (the given
 * {@code subscribed} step, the store's resync), so what replicas changed while nobody listened is caught up on
 * before the next message. It starts on the first config read or write once the orchestrator runs (never during a build, whose
 * reads need no announcements), so a start does not wait for it.
 */
final class ConfigAnnouncements {

    /** The subscribing daemon's name. */
    static final String THREAD = "jsorc-config-subscribe";
    /** The keepalive daemon's name. */
    static final String PING_THREAD = "jsorc-config-ping";

    private static final Logger log = LoggerFactory.getLogger(RedisHook.class);
    /** What its failure log lines name. */
    private static final String WHAT = "The config store's subscription";
    /** A subscription that lasted this long ends a streak of failures: its loss is news, the backoff starts over. */
    private static final long STABLE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final ComponentContext context;
    private final RedisService.Settings settings;
    private final String channel;
    private final String address;
    private final Consumer<String> onMessage;
    private final Runnable subscribed;
    private final Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5));
    /** The first failure and each new error at WARN, repeats at DEBUG, a WARN summary at most once a minute. */
    private final FailureLog failures = new FailureLog();
    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Thread listener;
    private volatile Thread keepalive;
    private volatile RedisSubscription current;
    private volatile boolean subscribedNow;

    /**
     * Prepares the subscription; nothing connects before {@link #request}.
     *
     * @param context    tells whether the orchestrator runs
     * @param settings   the store's Redis ({@code REDIS_CONFIG} as the builder or the classpath give it)
     * @param channel    the channel to hear
     * @param address    the server as log lines name it
     * @param onMessage  gets each announcement
     * @param subscribed run each time the subscription is (again) confirmed, before any message
     */
    ConfigAnnouncements(ComponentContext context, RedisService.Settings settings, String channel, String address,
                        Consumer<String> onMessage, Runnable subscribed) {
        this.context = context;
        this.settings = settings;
        this.channel = channel;
        this.address = address;
        this.onMessage = onMessage;
        this.subscribed = subscribed;
    }

    /** Starts the subscribing daemon, the first time it is asked once the orchestrator runs; later calls do nothing. */
    void request() {
        if (!requested.get() && !closed && context.isStarted() && requested.compareAndSet(false, true)) {
            listener = DaemonThreads.start(THREAD, this::run);
        }
    }

    /** {@return whether the subscription is confirmed and not lost right now (for tests and diagnostics)} */
    boolean isSubscribed() {
        return subscribedNow;
    }

    private void run() {
        while (!closed) {
            String[] lost = new String[1];
            long[] confirmedAt = new long[1];
            RedisSubscription subscription = new RedisSubscription(settings, channel, address, onMessage,
                    () -> !closed, e -> lost[0] = e.getMessage());
            current = subscription;
            if (closed) {
                return; // close() may have looked before current was set: this one is not started
            }
            Thread watch = DaemonThreads.start(PING_THREAD, subscription::keepalive);
            keepalive = watch;
            subscription.listen(() -> {
                confirmedAt[0] = System.nanoTime();
                try {
                    subscribed.run();
                } catch (RuntimeException e) {
                    log.warn("Catching up on config changes after subscribing to {} threw", channel, e);
                }
                subscribedNow = true;
            });
            subscribedNow = false;
            current = null;
            subscription.stop();
            watch.interrupt();
            DaemonThreads.join(watch, Duration.ofSeconds(5));
            if (closed) {
                return;
            }
            if (confirmedAt[0] != 0 && System.nanoTime() - confirmedAt[0] >= STABLE_NANOS) {
                // It worked for a while: this loss is news and starts a new streak (and the backoff over).
                backoff.reset();
                failures.recovered(WHAT);
            }
            failures.log(log, WHAT, (lost[0] != null ? lost[0] : "Could not subscribe to " + channel + " on Redis at "
                    + address) + "; subscribing again (changes made meanwhile are caught up on then)");
            try {
                Thread.sleep(Math.max(1, backoff.failed().toMillis()));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Unsubscribes and waits (bounded) for both daemons to end. */
    void close() {
        closed = true;
        RedisSubscription subscription = current;
        if (subscription != null) {
            subscription.stop();
        }
        Thread watch = keepalive;
        if (watch != null) {
            watch.interrupt();
        }
        Thread thread = listener;
        if (thread != null) {
            thread.interrupt(); // a backoff sleep
        }
        // The listener may be connecting (bounded by connect_timeout_ms and timeout_ms) or catching up.
        DaemonThreads.join(thread, Duration.ofSeconds(10));
        // Read again: the listener may have started a keepalive after the first read (it ends at once, stopped).
        DaemonThreads.join(keepalive, Duration.ofSeconds(5));
    }
}
