package io.jsorc.regen;

import io.jsorc.base.Backoff;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The regeneration loop's work queue, shaped like a controller-runtime one: keys (service names) waiting to be
 * reconciled with why, a backoff per key, which keys a worker holds right now, and when the next cycle is due. It knows
 * nothing of services or threads beyond the one waiting in {@link #awaitCycle}.
 *
 * <p>Asking for work coalesces: a key is queued once whatever the number of failures reported for it, and any number
 * of {@link #trigger()}s while a cycle runs ask for one more cycle. A key a worker holds ({@link #claim}) is not
 * handed out again until {@link #release}d, so two workers never reconcile the same key.
 *
 * @param <R> what a worker's examination of a key results in
 */
final class WorkQueue<R> {

    /** Why a key is queued. */
    enum Reason {
        /** It failed: reconcile it if it is automated, within its backoff. */
        FAILED,
        /** A restart was asked for: rebuild it, automated or not, at once (its backoff forgotten), then backing off. */
        RESTART,
        /**
         * Followers wait for its manifest and this replica leads without having built it: apply the manifest, build
         * nothing.
         */
        DEMANDED
    }

    private static final Duration UNCAPPED = Duration.ofNanos(Long.MAX_VALUE);

    private final Duration initialBackoff;
    private final long probeIntervalNanos;
    private final Map<String, Reason> reasons = new ConcurrentHashMap<>();
    private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<R>> inFlight = new ConcurrentHashMap<>();
    /** When each key was last claimed: its probe is due a probe interval after that. */
    private final Map<String, Long> lastLook = new ConcurrentHashMap<>();
    /** When a key's requested restart is due: a small jittered delay, so replicas do not restart in step. */
    private final Map<String, Long> restartAt = new ConcurrentHashMap<>();
    /** Restarts asked for, per key, ever (one entry per service name: bounded by the registry). */
    private final Map<String, Long> restartRequests = new ConcurrentHashMap<>();
    /** How many failures were ever signalled per key (one key per service: bounded by the registry). */
    private final Map<String, Long> failureSignals = new ConcurrentHashMap<>();
    private final Object signal = new Object();
    private boolean triggered;
    private volatile boolean closed;

    /**
     * Creates an empty queue.
     *
     * @param initialBackoff the first retry delay of a failing key (it doubles from there)
     * @param probeInterval  how often a key waiting out its backoff is looked at (its probe asked)
     */
    WorkQueue(Duration initialBackoff, Duration probeInterval) {
        this.initialBackoff = initialBackoff;
        this.probeIntervalNanos = probeInterval.toNanos();
    }

    /**
     * Queues a key. A restart replaces a queued failure; a failure never replaces a queued restart (the restart,
     * which ignores automation and backoff, would be lost).
     */
    void offer(String key, Reason reason) {
        if (reason == Reason.RESTART) {
            reasons.put(key, reason);
        } else {
            reasons.putIfAbsent(key, reason);
        }
    }

    /**
     * Queues a key whose service turned FAILED, and counts the signal: an examination compares the count before and
     * after, to tell a failure that arrived while it ran (and that its {@link #done} cleared).
     *
     * @param key the key
     */
    void signalFailure(String key) {
        failureSignals.merge(key, 1L, Long::sum);
        offer(key, Reason.FAILED);
    }

    /** {@return how many failures were ever signalled for the key} */
    long failureSignals(String key) {
        return failureSignals.getOrDefault(key, 0L);
    }

    /** Queues a key as failed whatever was queued: a rebuild was attempted (any restart asked for was done). */
    void requeue(String key) {
        reasons.put(key, Reason.FAILED);
        restartAt.remove(key);
    }

    /**
     * Queues a restart that is due only after a delay. A restart already pending keeps its earlier due time. The key's
     * failures are forgotten: the restart's first attempt is not held back by an earlier backoff, and if it fails
     * (its manifest not ready yet) it backs off from the first delay.
     *
     * @param key        the key
     * @param delayNanos how long to wait (0: at once)
     */
    void offerRestart(String key, long delayNanos) {
        restartRequests.merge(key, 1L, Long::sum);
        backoffs.remove(key);
        if (delayNanos > 0) {
            long at = System.nanoTime() + delayNanos;
            restartAt.merge(key, at, (old, fresh) -> old - fresh < 0 ? old : fresh);
        } else {
            restartAt.remove(key);
        }
        offer(key, Reason.RESTART);
    }

    /**
     * {@return how many restarts were ever asked for the key}: an examination compares it before and after, to tell
     * a request that arrived while it ran (and that its {@link #done}, {@link #requeue} or {@link #drop} cleared).
     */
    long restartRequests(String key) {
        return restartRequests.getOrDefault(key, 0L);
    }

    /** {@return how long until the key's requested restart is due, 0 when it is due now or none is delayed} */
    long restartDelayNanos(String key) {
        Long at = restartAt.get(key);
        if (at == null) {
            return 0;
        }
        long left = at - System.nanoTime();
        if (left <= 0) {
            restartAt.remove(key, at);
            return 0;
        }
        return left;
    }

    /** Forgets every key's failures, so queued keys are retried at once (this replica just became the leader). */
    void forgetAllBackoffs() {
        backoffs.clear();
    }

    /** {@return why the key is queued, or {@code null} when it is not} */
    Reason reason(String key) {
        return reasons.get(key);
    }

    /** {@return the queued keys, a snapshot} */
    Set<String> keys() {
        return Set.copyOf(reasons.keySet());
    }

    /** Takes a key off the queue and forgets its failures (it is fine, or it is not ours to retry). */
    void done(String key) {
        reasons.remove(key);
        backoffs.remove(key);
        restartAt.remove(key);
    }

    /** Takes a key off the queue, keeping its backoff: it still fails, and if queued again it keeps backing off. */
    void drop(String key) {
        reasons.remove(key);
        restartAt.remove(key);
    }

    /** Forgets a key's failures without touching the queue. */
    void forgetBackoff(String key) {
        backoffs.remove(key);
    }

    /**
     * {@return the key's backoff, created on first use. Its cap is only a formality: callers pass the configured cap
     * (which may change) as the limit of each {@link Backoff#failed(long, Duration)}.}
     */
    Backoff backoff(String key) {
        return backoffs.computeIfAbsent(key, k -> Backoff.exponential(initialBackoff, UNCAPPED));
    }

    /**
     * Hands a key to a worker unless one holds it already.
     *
     * @param key  the key
     * @param work the worker's result, completed by the worker after {@link #release}
     * @return {@code null} when claimed, else the result of the worker that holds the key
     */
    CompletableFuture<R> claim(String key, CompletableFuture<R> work) {
        CompletableFuture<R> previous = inFlight.putIfAbsent(key, work);
        if (previous == null) {
            lastLook.put(key, System.nanoTime());
        }
        return previous;
    }

    /** {@return the result of the worker holding the key, or {@code null} when none does} */
    CompletableFuture<R> running(String key) {
        return inFlight.get(key);
    }

    /** Lets the key be claimed again; only the holder of {@code work} releases it. */
    void release(String key, CompletableFuture<R> work) {
        inFlight.remove(key, work);
    }

    /** Asks for a cycle now; coalesced with one already asked for. */
    void trigger() {
        synchronized (signal) {
            triggered = true;
            signal.notifyAll();
        }
    }

    /** Makes the waiting thread recompute when the next cycle is due (a key's backoff changed), asking no cycle. */
    void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** Ends {@link #awaitCycle} for good. */
    void close() {
        closed = true;
        trigger();
    }

    /** {@return whether {@link #close()} was called} */
    boolean isClosed() {
        return closed;
    }

    /**
     * Waits until the next cycle is due: a trigger, the interval since the last cycle, or (when probing) the earliest
     * probe or retry of a queued key that no worker holds.
     *
     * @param lastCycleNanos when the last cycle ended ({@link System#nanoTime()})
     * @param intervalNanos  the fixed interval between cycles
     * @param probing        whether queued keys wake the loop (the event-driven mode); if not, only the interval and
     *                       triggers do
     * @return {@code true} when a cycle is due, {@code false} once closed
     * @throws InterruptedException when the waiting thread is interrupted
     */
    boolean awaitCycle(long lastCycleNanos, long intervalNanos, boolean probing) throws InterruptedException {
        synchronized (signal) {
            while (!triggered && !closed) {
                long now = System.nanoTime();
                long wakeAt = nextCycleNanos(lastCycleNanos, intervalNanos, probing);
                if (wakeAt - now <= 0) {
                    break;
                }
                signal.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wakeAt - now)));
            }
            triggered = false;
        }
        return !closed;
    }

    /**
     * {@return when the next cycle is due ({@link System#nanoTime()}), ignoring triggers: the interval after the last
     * cycle, or earlier the first probe or retry of a queued key no worker holds}
     */
    long nextCycleNanos(long lastCycleNanos, long intervalNanos, boolean probing) {
        long wakeAt = lastCycleNanos + intervalNanos;
        long retry = probing ? earliestRetry() : Long.MAX_VALUE; // the fixed loop: only the interval wakes it
        return retry != Long.MAX_VALUE && retry - wakeAt < 0 ? retry : wakeAt;
    }

    private long earliestRetry() {
        long earliest = Long.MAX_VALUE;
        for (String key : reasons.keySet()) {
            if (inFlight.containsKey(key)) {
                continue; // its worker wakes the loop when it is done
            }
            // A probe interval after the key was last looked at: anchored, so recomputing never postpones it.
            Long looked = lastLook.get(key);
            long probeAt = (looked == null ? System.nanoTime() : looked) + probeIntervalNanos;
            Backoff backoff = backoffs.get(key);
            long at = probeAt;
            if (backoff != null && backoff.failures() > 0 && backoff.nextAttemptNanos() - probeAt < 0) {
                at = backoff.nextAttemptNanos();
            }
            Long restart = restartAt.get(key);
            if (restart != null && restart - at < 0) {
                at = restart;
            }
            if (earliest == Long.MAX_VALUE || at - earliest < 0) {
                earliest = at;
            }
        }
        return earliest;
    }
}
