package io.jsorc.service;

import io.jsorc.component.ConstructionChain;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a service that another thread is starting, and refuses to wait where the wait would close a cycle across
 * threads: thread T1 starts {@code a}, whose {@code run()} asks for {@code b}, which T2 starts and whose {@code run()}
 * asks for {@code a}. Each would wait for the other for ever; instead the thread that closes the cycle gets an
 * {@link IllegalStateException} naming it, so its service fails and the other one goes on. (A cycle within one thread
 * is {@link ConstructionChain}'s to report.)
 *
 * <p>Keeps a wait-for graph (which thread waits for which slot; a slot names the thread starting it), checked before
 * a wait and every {@value #RECHECK_MILLIS} ms during it, since the other thread may start waiting after this one
 * looked. Thread-safe.
 */
final class BuildWaits {

    /** How often a waiting thread looks for a cycle again. */
    static final long RECHECK_MILLIS = 100;
    /** A chain longer than this is not followed (threads only wait on a handful of services). */
    private static final int MAX_HOPS = 64;

    /** Which slot each waiting thread waits for; changed and read under its own monitor. */
    private final Map<Thread, ServiceSlot> waiting = new HashMap<>();

    /**
     * Takes a slot's lock, waiting (interruptibly) while another thread holds it.
     *
     * @param slot the service's slot
     * @throws InterruptedException  when interrupted while waiting
     * @throws IllegalStateException naming the cycle when the thread starting the service waits, directly or through
     *                               others, for a service this thread is starting
     */
    void lock(ServiceSlot slot) throws InterruptedException {
        if (slot.lock.tryLock()) {
            return;
        }
        Thread self = Thread.currentThread();
        try {
            while (true) {
                String cycle;
                // Registering and looking are one step, and so is a finding with leaving the graph: of two threads
                // that close a cycle at the same moment, exactly one sees it (the second to register) and gives way.
                synchronized (waiting) {
                    waiting.put(self, slot);
                    cycle = cycleThrough(slot, self);
                    if (cycle != null) {
                        waiting.remove(self);
                    }
                }
                if (cycle != null) {
                    if (slot.lock.tryLock()) {
                        return; // its build ended meanwhile: what was read was a finished build, not a cycle
                    }
                    throw new IllegalStateException("Services wait for each other across threads: "
                            + ConstructionChain.describe("service '" + slot.registration.name() + "'") + cycle
                            + "; break the cycle with a lookup at use time, outside run()");
                }
                if (slot.lock.tryLock(RECHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } finally {
            synchronized (waiting) {
                waiting.remove(self);
            }
        }
    }

    /** {@return the rest of the cycle from {@code slot} back to {@code self}, or {@code null} when there is none} */
    private String cycleThrough(ServiceSlot slot, Thread self) {
        StringBuilder rest = new StringBuilder();
        ServiceSlot next = slot;
        for (int hop = 0; next != null && hop < MAX_HOPS; hop++) {
            Thread starting = next.builder;
            if (starting == null) {
                return null; // not started yet, or done: no cycle through it now
            }
            rest.append(" (starting on thread ").append(starting.getName());
            if (starting == self) {
                return rest.append(", this one)").toString();
            }
            next = waiting.get(starting);
            if (next == null) {
                return null; // that thread is not waiting for a service: it will finish
            }
            rest.append(", which waits for) -> service '").append(next.registration.name()).append('\'');
        }
        return null;
    }
}
