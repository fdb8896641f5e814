package io.jsorc.lifecycle;

import io.jsorc.base.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The daemon threads of one service, by name. A name has at most one live thread; threads are named
 * {@code jsorc-<service>-<name>} so that leaks are visible in a thread dump and checkable by tests.
 */
public final class Daemons {

    private static final Logger log = LoggerFactory.getLogger(Daemons.class);

    private final String owner;
    private final Duration joinTimeout;
    private final Map<String, Thread> threads = new LinkedHashMap<>();
    private boolean closed;

    /**
     * Creates an empty set of daemons for one service.
     *
     * @param owner       the service name, part of every thread name
     * @param joinTimeout how long {@link #terminate} waits for each thread after interrupting it
     */
    public Daemons(String owner, Duration joinTimeout) {
        this.owner = owner;
        this.joinTimeout = joinTimeout;
    }

    /**
     * Starts a daemon thread unless one of that name is alive.
     *
     * @param name   the daemon's name
     * @param target what it runs; it should end when interrupted
     * @return the live thread of that name (the existing one, or the one just started)
     * @throws IllegalStateException once {@link #close()} was called (the service failed or was discarded)
     */
    public synchronized Thread spawn(String name, Runnable target) {
        if (closed) {
            throw new IllegalStateException("Service '" + owner + "' has stopped (failed or discarded); it cannot "
                    + "start daemon '" + name + "'");
        }
        Thread existing = threads.get(name);
        if (existing != null && existing.isAlive()) {
            return existing;
        }
        // DaemonThreads logs an uncaught exception with the thread's name, which names the service and the daemon.
        Thread thread = DaemonThreads.start("jsorc-" + owner + "-" + name, target);
        threads.put(name, thread);
        return thread;
    }

    /**
     * Interrupts the named daemons and waits (bounded) for each to end. The calling thread is never joined; when it
     * is one of them, it is interrupted after the wait. Several callers may terminate the same daemons at once: each
     * waits for them.
     *
     * @param names daemon names; none means every daemon
     * @return the names of daemons still alive after the wait
     */
    public Set<String> terminate(String... names) {
        List<Map.Entry<String, Thread>> targets = new ArrayList<>();
        synchronized (this) {
            if (names.length == 0) {
                targets.addAll(threads.entrySet());
            } else {
                for (String name : names) {
                    Thread thread = threads.get(name);
                    if (thread != null) {
                        targets.add(Map.entry(name, thread));
                    }
                }
            }
        }
        // A daemon that terminates its own service's daemons (it marked the service failed) is interrupted last,
        // after the wait: interrupted first, its joins would return at once and report live siblings as stuck.
        Thread self = Thread.currentThread();
        boolean selfTargeted = false;
        for (Map.Entry<String, Thread> target : targets) {
            if (target.getValue() == self) {
                selfTargeted = true;
            } else {
                target.getValue().interrupt();
            }
        }
        Set<String> stuck = new TreeSet<>();
        long deadline = System.nanoTime() + joinTimeout.toNanos();
        for (Map.Entry<String, Thread> target : targets) {
            Thread thread = target.getValue();
            if (thread == self) {
                continue;
            }
            // One deadline for all: a stuck daemon does not multiply the wait.
            long left = Math.max(1_000_000, deadline - System.nanoTime());
            if (!DaemonThreads.join(thread, Duration.ofNanos(left))) {
                stuck.add(target.getKey());
            }
        }
        if (selfTargeted) {
            self.interrupt();
        }
        synchronized (this) {
            // Forget the ones that ended (a stuck one stays visible in alive()).
            threads.entrySet().removeIf(e -> !e.getValue().isAlive());
        }
        if (!stuck.isEmpty()) {
            log.warn("Daemons {} of service '{}' did not end within {} ms of being interrupted", stuck, owner,
                    joinTimeout.toMillis());
        }
        return stuck;
    }

    /**
     * Refuses new daemons from now on and terminates every live one.
     *
     * @return the names of daemons still alive after the wait
     */
    public Set<String> close() {
        synchronized (this) {
            closed = true;
        }
        return terminate();
    }

    /** {@return the names of live daemons} */
    public synchronized Set<String> alive() {
        Set<String> names = new TreeSet<>();
        threads.forEach((name, thread) -> {
            if (thread.isAlive()) {
                names.add(name);
            }
        });
        return names;
    }
}
