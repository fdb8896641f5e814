package io.jsorc.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * An orchestrator's state, {@code NEW -> STARTED -> CLOSED}, and the lock that makes a close wait for a start under
 * way: a start runs once, on a NEW orchestrator, holding the lock throughout; a close from another thread waits for
 * it (up to {@link #CLOSE_WAITS_FOR_START}), and one that does not end in time (a service whose {@code run()} hangs)
 * is closed beside, so a JVM told to exit still does. Thread-safe.
 */
final class AssemblyPhase {

    /** Under the orchestrator's own category, where its other start and close lines are. */
    private static final Logger log = LoggerFactory.getLogger(Assembly.class);

    /** How long a close waits for a start under way on another thread. */
    static final Duration CLOSE_WAITS_FOR_START = Duration.ofSeconds(10);

    private enum Phase { NEW, STARTED, CLOSED }

    private final Object lock = new Object();
    /** Held for the whole of a start: a close waits for a start under way to unwind. */
    private final ReentrantLock startLock = new ReentrantLock();
    private volatile Phase phase = Phase.NEW;

    /**
     * Runs the start, once.
     *
     * @param steps the start's steps; on failure they close what they built themselves
     * @throws IllegalStateException naming the phase when the orchestrator is not NEW
     */
    void start(Runnable steps) {
        startLock.lock();
        try {
            synchronized (lock) {
                if (phase != Phase.NEW) {
                    throw new IllegalStateException("Orchestrator cannot start: it is " + phase
                            + "; start() is allowed once, on a NEW orchestrator");
                }
                phase = Phase.STARTED;
            }
            steps.run();
        } finally {
            startLock.unlock();
        }
    }

    /**
     * Runs the close, once; later calls do nothing. It waits for a start under way on another thread first; the
     * start is not interrupted (the interrupt would outlive it on the caller's thread).
     *
     * @param parts closes the parts, told whether the start (if any) ended before it ({@code false}: closing beside
     *              a start that hangs)
     */
    void close(Consumer<Boolean> parts) {
        // An interrupted closer still closes in order when no start runs.
        boolean waited = io.jsorc.base.Locks.tryLock(startLock, CLOSE_WAITS_FOR_START.toNanos());
        if (!waited) {
            log.warn("Closing while start() still runs after {} s (a pre-loaded service that does not come up?)",
                    CLOSE_WAITS_FOR_START.toSeconds());
        }
        try {
            synchronized (lock) {
                if (phase == Phase.CLOSED) {
                    return;
                }
                phase = Phase.CLOSED;
            }
            parts.accept(waited);
        } finally {
            if (waited) {
                startLock.unlock();
            }
        }
    }

    /**
     * Throws when the orchestrator is closed.
     *
     * @throws IllegalStateException when closed
     */
    void ensureOpen() {
        if (phase == Phase.CLOSED) {
            throw new IllegalStateException("Orchestrator is CLOSED; build a new one");
        }
    }

    /** {@return whether start() ran and no close since} */
    boolean isStarted() {
        return phase == Phase.STARTED;
    }

    /** {@return whether it is closed} */
    boolean isClosed() {
        return phase == Phase.CLOSED;
    }

    @Override
    public String toString() {
        return phase.name();
    }
}
