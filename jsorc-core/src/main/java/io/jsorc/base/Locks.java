package io.jsorc.base;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/** Taking a lock within a time, the way a close does: an interrupted caller still takes a free lock. */
public final class Locks {

    private Locks() {
    }

    /**
     * Takes a lock, waiting at most {@code nanos}. An interrupt ends the wait (the interrupt is kept), but a lock free
     * at that moment is still taken.
     *
     * @param lock  the lock
     * @param nanos how long to wait at most ({@code <= 0}: not at all)
     * @return whether the lock is held now
     */
    public static boolean tryLock(Lock lock, long nanos) {
        try {
            return lock.tryLock(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return lock.tryLock();
        }
    }
}
