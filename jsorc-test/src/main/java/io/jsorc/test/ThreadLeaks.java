package io.jsorc.test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Finds live {@code jsorc-*} threads: every thread JsOrc starts carries that prefix. */
public final class ThreadLeaks {

    /** The prefix of every JsOrc thread name. */
    public static final String PREFIX = "jsorc-";

    private ThreadLeaks() {
    }

    /** {@return the live threads whose name starts with {@value #PREFIX}} */
    public static Set<Thread> jsorcThreads() {
        Set<Thread> out = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith(PREFIX)) {
                out.add(thread);
            }
        }
        return out;
    }

    /**
     * Waits until every {@code jsorc-*} thread not in {@code before} has ended.
     *
     * @param before      threads that were alive before and are not counted
     * @param graceMillis how long to wait
     * @return the threads still alive after the wait (empty when none leaked)
     */
    public static List<Thread> awaitGone(Set<Thread> before, long graceMillis) {
        long deadline = System.nanoTime() + graceMillis * 1_000_000;
        List<Thread> leaked;
        do {
            leaked = new ArrayList<>();
            for (Thread thread : jsorcThreads()) {
                if (!before.contains(thread)) {
                    leaked.add(thread);
                }
            }
            if (leaked.isEmpty()) {
                return leaked;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return leaked;
            }
        } while (System.nanoTime() < deadline);
        return leaked;
    }
}
