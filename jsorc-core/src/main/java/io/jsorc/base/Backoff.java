package io.jsorc.base;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for one thing that keeps failing: the n-th consecutive failure waits about
 * {@code initial * 2^(n-1)}, never more than the cap, jittered by +-20% by default so that replicas retrying the same
 * dependency do not retry in lock step.
 *
 * <p>One instance tracks one retried thing (a service, a bulk request, a task): {@link #failed()} records a failure
 * and schedules the next attempt, {@link #due()} says whether it has come, {@link #reset()} forgets the failures after
 * a success. Callers that keep the failure count elsewhere (a task's attempt number in a store) use
 * {@link #delayNanos(int)} alone. Thread-safe: one thread may record failures while another reads the schedule.
 * Times are {@link System#nanoTime()} readings; the methods taking {@code nowNanos} let callers (and tests) pass the
 * reading they already have.
 *
 * <pre>{@code
 * Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5));
 * while (!send(batch)) {
 *     Thread.sleep(backoff.failed().toMillis());
 * }
 * backoff.reset();
 * }</pre>
 */
public final class Backoff {

    /** The default jitter: each delay is drawn from [80%, 120%] of its base, then capped. */
    public static final double DEFAULT_JITTER = 0.2;

    private final long initialNanos;
    private final long capNanos;
    private final double jitter;
    private int failures;
    private long nextAttemptNanos;

    private Backoff(long initialNanos, long capNanos, double jitter) {
        this.initialNanos = initialNanos;
        this.capNanos = capNanos;
        this.jitter = jitter;
    }

    /**
     * Creates a backoff that starts at {@code initial}, doubles on every consecutive failure and never waits longer
     * than {@code cap}, with {@link #DEFAULT_JITTER}.
     *
     * @param initial the delay after the first failure; positive
     * @param cap     the longest delay; at least {@code initial}
     * @return a backoff with no failures
     * @throws IllegalArgumentException when the durations are not positive or the cap is below the initial delay
     */
    public static Backoff exponential(Duration initial, Duration cap) {
        long initialNanos = Objects.requireNonNull(initial, "initial").toNanos();
        long capNanos = Objects.requireNonNull(cap, "cap").toNanos();
        if (initialNanos <= 0 || capNanos < initialNanos) {
            throw new IllegalArgumentException("Backoff needs 0 < initial <= cap, got initial " + initial + " and cap "
                    + cap);
        }
        return new Backoff(initialNanos, capNanos, DEFAULT_JITTER);
    }

    /**
     * Returns a backoff like this one (same initial delay and cap, no failures) with another jitter.
     *
     * @param fraction each delay is drawn from {@code [base * (1 - fraction), base * (1 + fraction)]}; 0 makes the
     *                 delays exact (a task's documented retry schedule, a test); at most 1
     * @return a new backoff with no failures
     * @throws IllegalArgumentException when the fraction is outside [0, 1]
     */
    public Backoff withJitter(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("Backoff jitter must be in [0, 1], got " + fraction);
        }
        return new Backoff(initialNanos, capNanos, fraction);
    }

    /** {@return the delay after the first failure} */
    public Duration initial() {
        return Duration.ofNanos(initialNanos);
    }

    /** {@return the longest delay} */
    public Duration cap() {
        return Duration.ofNanos(capNanos);
    }

    /**
     * Computes, without recording anything, a (jittered, capped) delay for the given consecutive failure.
     *
     * @param failure which consecutive failure, from 1
     * @return the delay in nanoseconds, between {@code min(cap, base * (1 - jitter))} and {@code min(cap, base * (1 +
     *         jitter))} where {@code base = initial * 2^(failure-1)}
     * @throws IllegalArgumentException when {@code failure < 1}
     */
    public long delayNanos(int failure) {
        return delayNanos(failure, capNanos);
    }

    private long delayNanos(int failure, long limitNanos) {
        if (failure < 1) {
            throw new IllegalArgumentException("Failures are counted from 1, got " + failure);
        }
        // Doubles overflow gracefully (to infinity, then capped); 2^62 nanoseconds is beyond any cap anyway.
        double base = initialNanos * Math.pow(2, Math.min(failure - 1, 62));
        double factor = jitter == 0 ? 1 : 1 - jitter + 2 * jitter * ThreadLocalRandom.current().nextDouble();
        return (long) Math.min(limitNanos, base * factor);
    }

    /**
     * Records a failure now and schedules the next attempt.
     *
     * @return how long to wait before the next attempt
     */
    public Duration failed() {
        return Duration.ofNanos(failed(System.nanoTime()));
    }

    /**
     * Records a failure and schedules the next attempt.
     *
     * @param nowNanos the current {@link System#nanoTime()}
     * @return how long to wait before the next attempt, in nanoseconds
     */
    public long failed(long nowNanos) {
        return failed(nowNanos, Long.MAX_VALUE);
    }

    /**
     * Records a failure and schedules the next attempt, waiting at most {@code limit} this time. For callers whose cap
     * is configuration that may change while failures are counted (the regeneration loop caps at
     * {@code backoff_interval}): the count survives a changed limit.
     *
     * @param nowNanos the current {@link System#nanoTime()}
     * @param limit    an upper bound for this delay besides the cap
     * @return how long to wait before the next attempt, in nanoseconds
     */
    public long failed(long nowNanos, Duration limit) {
        return failed(nowNanos, Math.max(0, limit.toNanos()));
    }

    private synchronized long failed(long nowNanos, long limitNanos) {
        if (failures < Integer.MAX_VALUE) {
            failures++;
        }
        long delay = delayNanos(failures, Math.min(capNanos, limitNanos));
        nextAttemptNanos = nowNanos + delay;
        return delay;
    }

    /** {@return whether the next attempt may be made now: no failure recorded, or its delay has passed} */
    public boolean due() {
        return due(System.nanoTime());
    }

    /**
     * Tells whether the next attempt is due at the given time: no failure recorded, or its delay has passed.
     *
     * @param nowNanos the current {@link System#nanoTime()}
     * @return whether the next attempt may be made at {@code nowNanos}
     */
    public synchronized boolean due(long nowNanos) {
        return failures == 0 || nowNanos - nextAttemptNanos >= 0;
    }

    /** {@return the {@link System#nanoTime()} at which the next attempt is due; meaningless without failures} */
    public synchronized long nextAttemptNanos() {
        return nextAttemptNanos;
    }

    /** {@return the consecutive failures recorded since the last {@link #reset()}} */
    public synchronized int failures() {
        return failures;
    }

    /** Forgets the failures (after a success): the next attempt is due at once, the next delay is the initial one. */
    public synchronized void reset() {
        failures = 0;
        nextAttemptNanos = 0;
    }

    @Override
    public synchronized String toString() {
        return "Backoff[" + Duration.ofNanos(initialNanos) + ".." + Duration.ofNanos(capNanos) + " +-"
                + Math.round(jitter * 100) + "%, " + failures + " failures]";
    }
}
