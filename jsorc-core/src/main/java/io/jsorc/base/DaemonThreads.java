package io.jsorc.base;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts and stops JsOrc's daemon threads in one way: every thread is a daemon (it never keeps the JVM alive), is
 * named (so that a leak is visible in a thread dump and checkable by a test) and logs what kills it through slf4j with
 * its name (instead of the JVM's default handler printing to stderr, which hosts often do not collect).
 */
public final class DaemonThreads {

    private static final Logger log = LoggerFactory.getLogger(DaemonThreads.class);
    private static final Thread.UncaughtExceptionHandler LOG_DEATH =
            (thread, error) -> log.error("Daemon thread {} died", thread.getName(), error);

    private DaemonThreads() {
    }

    /**
     * Starts a named daemon thread.
     *
     * @param name its name ({@code jsorc-...} by convention)
     * @param body what it runs; it should end when interrupted
     * @return the started thread
     */
    public static Thread start(String name, Runnable body) {
        Thread thread = create(name, body);
        thread.start();
        return thread;
    }

    private static Thread create(String name, Runnable body) {
        Thread thread = new Thread(Objects.requireNonNull(body, "body"), Objects.requireNonNull(name, "name"));
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(LOG_DEATH);
        return thread;
    }

    /**
     * Returns a thread factory for executors: daemon threads named {@code <prefix>-1}, {@code <prefix>-2}, ...
     *
     * @param prefix the name prefix ({@code jsorc-...} by convention)
     * @return the factory; it numbers threads from 1 on its own
     */
    public static ThreadFactory factory(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        AtomicInteger count = new AtomicInteger();
        return body -> create(prefix + "-" + count.incrementAndGet(), body);
    }

    /**
     * Waits, bounded, for a thread to end. The calling thread is never waited for (it cannot end while waiting). An
     * interrupt of the caller ends the wait early and stays set, so callers on shutdown paths need no try/catch.
     *
     * @param thread  the thread; {@code null} counts as ended
     * @param timeout how long to wait at most; zero or negative only checks
     * @return whether the thread has ended (always {@code false} for the calling thread while it runs)
     */
    public static boolean join(Thread thread, Duration timeout) {
        if (thread == null) {
            return true;
        }
        if (thread == Thread.currentThread()) {
            return false;
        }
        try {
            if (timeout.compareTo(Duration.ZERO) > 0) {
                // At least 1 ms: Thread.join(0) would wait forever.
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeout.toNanos())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /**
     * Interrupts a thread and waits, bounded, for it to end; {@link #join(Thread, Duration)} rules apply.
     *
     * @param thread  the thread; {@code null} counts as ended
     * @param timeout how long to wait after the interrupt
     * @return whether the thread has ended
     */
    public static boolean interruptAndJoin(Thread thread, Duration timeout) {
        if (thread == null) {
            return true;
        }
        if (thread != Thread.currentThread()) {
            thread.interrupt();
        }
        return join(thread, timeout);
    }

    /**
     * Stops a thread politely: waits {@code grace} for it to end by itself (it was told to stop some other way), then
     * interrupts it and waits {@code afterInterrupt} more.
     *
     * @param thread         the thread; {@code null} counts as ended
     * @param grace          how long to wait before interrupting
     * @param afterInterrupt how long to wait after interrupting
     * @return whether the thread has ended
     */
    public static boolean stop(Thread thread, Duration grace, Duration afterInterrupt) {
        return join(thread, grace) || interruptAndJoin(thread, afterInterrupt);
    }
}
