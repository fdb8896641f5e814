package io.jsorc.regen;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for one service: the n-th consecutive failure waits about
 * {@code initial * 2^(n-1)}, never more than the cap, jittered by +-20% so replicas do not retry in lock step.
 * Thread-safe (one worker at a time uses it, the loop reads it).
 */
final class Backoff {

    private final long initialNanos;
    private int failures;
    private long nextAttemptNanos;

    Backoff(long initialNanos) {
        this.initialNanos = initialNanos;
    }

    synchronized boolean due(long nowNanos) {
        return failures == 0 || nowNanos - nextAttemptNanos >= 0;
    }

    synchronized long nextAttemptNanos() {
        return nextAttemptNanos;
    }

    synchronized int failures() {
        return failures;
    }

    /** Records a failure and schedules the next attempt; returns the delay in nanoseconds. */
    synchronized long failed(long nowNanos, long capNanos) {
        failures++;
        double base = initialNanos * Math.pow(2, Math.min(failures - 1, 30));
        double jittered = base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble());
        long delay = (long) Math.min(capNanos, jittered);
        nextAttemptNanos = nowNanos + delay;
        return delay;
    }

    synchronized void reset() {
        failures = 0;
        nextAttemptNanos = 0;
    }
}
