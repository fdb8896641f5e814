package io.jsorc.service;

import io.jsorc.CommonService;
import io.jsorc.ServiceControl;
import io.jsorc.registry.Registration;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Holds the one instance of a service. Readers take {@link #service} without a lock (the hot path); builders hold
 * {@link #lock}, so concurrent first calls build and start it exactly once. Waiting callers wait interruptibly, so a
 * daemon of the service that asks for it while the service is being discarded can still be stopped.
 */
final class ServiceSlot {

    final Registration registration;
    final ReentrantLock lock = new ReentrantLock();
    volatile CommonService<?> service;
    /** The controls of {@link #service}; written with it, under the lock. */
    volatile ServiceControl control;
    /**
     * The thread building the service right now, to detect a service that asks for itself; written under the lock,
     * read by {@link BuildWaits} from waiting threads.
     */
    volatile Thread builder;
    /**
     * Set by a close() that could not wait for this slot's build (it hung beside a start): whoever lets go of the
     * lock next discards what the slot holds ({@link #release()}).
     */
    volatile boolean abandoned;
    /** Shared never-running stand-in handed out under the {@code proxy} rule. */
    volatile CommonService<?> proxyStandIn;

    ServiceSlot(Registration registration) {
        this.registration = registration;
    }

    /**
     * Takes the lock, waiting until a deadline for a build under way.
     *
     * @param deadline by {@link System#nanoTime()}
     * @return whether the lock is held now (an interrupted caller still takes a free lock)
     */
    boolean lockBefore(long deadline) {
        return io.jsorc.base.Locks.tryLock(lock, deadline - System.nanoTime());
    }

    /**
     * Lets go of the lock. When a close abandoned the slot meanwhile, what it holds is discarded (by this thread, or
     * by the next holder when another one takes the lock first), so nothing a close skipped outlives it.
     */
    void release() {
        lock.unlock();
        if (abandoned && !lock.isHeldByCurrentThread() && lock.tryLock()) {
            discardAndUnlock();
        }
    }

    /** Discards what the slot holds, then lets go of the lock; the caller holds it. */
    void discardAndUnlock() {
        try {
            ServiceControl old = clear();
            if (old != null) {
                old.discard();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops the instance and its controls; the caller holds the lock and discards what it got. */
    ServiceControl clear() {
        ServiceControl old = control;
        service = null;
        control = null;
        return old;
    }
}
