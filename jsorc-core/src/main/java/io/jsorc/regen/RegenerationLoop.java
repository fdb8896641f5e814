package io.jsorc.regen;

import io.jsorc.CommonService;
import io.jsorc.Manifest;
import io.jsorc.ServiceNotRunningException;
import io.jsorc.ServiceState;
import io.jsorc.regen.ManifestApplier.Readiness;
import io.jsorc.regen.RegenerationReport.Action;
import io.jsorc.regen.RegenerationReport.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps automated services alive. One daemon thread ({@code jsorc-regen}) runs a cycle every
 * {@code JSORC_CONFIG.backoff_interval} seconds, and at once when a service fails or {@link #trigger()} is called
 * (triggers that arrive while a cycle runs are coalesced into one more cycle). Cycles never overlap.
 *
 * <p>A cycle looks at every queued service and every built automated service. One that is enabled, automated (or
 * explicitly queued for restart) and not running or not {@code healthy()} gets its manifest re-applied through the
 * {@link ManifestApplier}s (not ready: try again later) and is then refreshed. Each service that keeps failing is
 * retried with its own exponential backoff (from 100 ms, doubling, jittered, capped at {@code backoff_interval}), so
 * one slow dependency never holds back another's retries. A failed service that is not automated is dropped from the
 * queue and left {@code FAILED}.
 *
 * <p>{@code JSORC_CONFIG.event_trigger: false} turns the event trigger and the backoff off: the loop then behaves
 * like a plain fixed-interval loop (kept for comparison benchmarks).
 */
public final class RegenerationLoop implements AutoCloseable {

    /** Default {@code backoff_interval} when the config has none or an invalid one. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(RegenerationLoop.class);
    private static final long INITIAL_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private enum Reason { FAILED, RESTART }

    private final RegenerationTarget target;
    private final List<ManifestApplier> appliers;
    private final ReentrantLock cycleLock = new ReentrantLock();
    private final Object signal = new Object();
    private final Map<String, Reason> queue = new ConcurrentHashMap<>();
    private final Map<String, Backoff> backoffs = new HashMap<>();
    private boolean triggered;
    private volatile long earliestRetryNanos = Long.MAX_VALUE;
    private volatile boolean closed;
    private volatile Thread thread;

    /**
     * @param target   the orchestrator side
     * @param appliers manifest appliers, in order (may be empty)
     */
    public RegenerationLoop(RegenerationTarget target, List<ManifestApplier> appliers) {
        this.target = target;
        this.appliers = List.copyOf(appliers);
    }

    /** Starts the daemon thread. Idempotent. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("Regeneration loop is closed; it cannot start again");
        }
        if (thread != null) {
            return;
        }
        Thread loop = new Thread(this::loop, "jsorc-regen");
        loop.setDaemon(true);
        thread = loop;
        loop.start();
    }

    /** @return whether the daemon thread runs */
    public boolean isRunning() {
        Thread loop = thread;
        return loop != null && loop.isAlive();
    }

    /**
     * Queues a service that turned {@code FAILED}; with the event trigger on, a cycle runs at once.
     *
     * @param service the service name
     */
    public void serviceFailed(String service) {
        queue.putIfAbsent(service, Reason.FAILED);
        if (eventTrigger() && Thread.currentThread() != thread) {
            trigger();
        }
    }

    /**
     * Queues a service for an explicit restart (state {@code RESTART}): the next cycle rebuilds it even when it is
     * not automated, and the cycle runs at once.
     *
     * @param service the service name
     */
    public void restartRequested(String service) {
        queue.put(service, Reason.RESTART);
        trigger();
    }

    /** @return the names queued for regeneration */
    public Set<String> queued() {
        return Set.copyOf(queue.keySet());
    }

    /** Asks for a cycle now; coalesced with one already asked for. */
    public void trigger() {
        synchronized (signal) {
            triggered = true;
            signal.notifyAll();
        }
    }

    private void loop() {
        long lastCycle = System.nanoTime();
        try {
            while (!closed) {
                long interval = interval().toNanos();
                synchronized (signal) {
                    while (!triggered && !closed) {
                        long now = System.nanoTime();
                        long wakeAt = Math.min(lastCycle + interval, earliestRetryNanos);
                        long waitMillis = TimeUnit.NANOSECONDS.toMillis(wakeAt - now);
                        if (wakeAt - now <= 0) {
                            break;
                        }
                        signal.wait(Math.max(1, waitMillis));
                    }
                    triggered = false;
                }
                if (closed) {
                    break;
                }
                try {
                    runCycle(false);
                } catch (RuntimeException e) {
                    log.error("Regeneration cycle failed", e);
                }
                lastCycle = System.nanoTime();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs one cycle in the calling thread (waiting for a running one to finish first).
     *
     * @param force attempt every candidate now, ignoring backoff windows
     * @return what the cycle did
     */
    public RegenerationReport runCycle(boolean force) {
        cycleLock.lock();
        try {
            Instant started = Instant.now();
            long t0 = System.nanoTime();
            Duration cap = interval();
            boolean eventTrigger = eventTrigger();
            List<Entry> entries = new ArrayList<>();
            Set<String> candidates = new LinkedHashSet<>(queue.keySet());
            for (String name : target.builtServices()) {
                CommonService<?> service = target.current(name);
                if (service != null && service.isAutomated()) {
                    candidates.add(name);
                }
            }
            for (String name : candidates) {
                if (closed) {
                    break;
                }
                Entry entry = regenerate(name, force || !eventTrigger, cap);
                if (entry != null) {
                    entries.add(entry);
                    if (entry.action() != Action.NONE) {
                        log.debug("Regeneration: {}", entry);
                    }
                }
            }
            earliestRetryNanos = earliestRetry();
            return new RegenerationReport(started, Duration.ofNanos(System.nanoTime() - t0), entries);
        } finally {
            cycleLock.unlock();
        }
    }

    private Entry regenerate(String name, boolean ignoreBackoff, Duration cap) {
        long t0 = System.nanoTime();
        CommonService<?> service = target.current(name);
        if (service == null) {
            queue.remove(name);
            backoffs.remove(name);
            return null;
        }
        Reason reason = queue.get(name);
        boolean restart = reason == Reason.RESTART || service.state() == ServiceState.RESTART;
        if (!restart && !service.isEnabled()) {
            queue.remove(name);
            backoffs.remove(name);
            return reason == null ? null : entry(name, Action.DROPPED, service, t0, "disabled");
        }
        if (!restart && !service.isAutomated()) {
            queue.remove(name);
            backoffs.remove(name);
            return reason == null ? null : entry(name, Action.DROPPED, service, t0, "not automated; left "
                    + service.state());
        }
        if (!restart && service.state() == ServiceState.STARTED) {
            return entry(name, Action.NONE, service, t0, "starting");
        }
        if (!restart && service.isRunning()) {
            if (healthy(service)) {
                queue.remove(name);
                backoffs.remove(name);
                return entry(name, Action.NONE, service, t0, "healthy");
            }
            try {
                service.markFailed(new ServiceNotRunningException("Service '" + name + "' failed its health check"));
            } catch (IllegalStateException raced) {
                log.debug("Service '{}' changed state during its health check: {}", name, raced.getMessage());
            }
        }
        Backoff backoff = backoffs.computeIfAbsent(name, n -> new Backoff(INITIAL_BACKOFF_NANOS));
        if (!ignoreBackoff && !restart && !backoff.due(System.nanoTime())) {
            return entry(name, Action.DEFERRED, service, t0, "retry in "
                    + TimeUnit.NANOSECONDS.toMillis(backoff.nextAttemptNanos() - System.nanoTime()) + " ms (failure "
                    + backoff.failures() + ")");
        }
        String manifestProblem = applyManifest(name);
        if (manifestProblem != null) {
            backoff.failed(System.nanoTime(), cap.toNanos());
            queue.putIfAbsent(name, Reason.FAILED);
            return entry(name, Action.WAITING_FOR_MANIFEST, service, t0, manifestProblem);
        }
        CommonService<?> fresh;
        try {
            fresh = target.refresh(name);
        } catch (RuntimeException e) {
            backoff.failed(System.nanoTime(), cap.toNanos());
            queue.putIfAbsent(name, Reason.FAILED);
            return entry(name, Action.REFRESHED, service, t0, "refresh threw: " + e);
        }
        if (fresh.isRunning() || !fresh.isEnabled()) {
            queue.remove(name);
            backoffs.remove(name);
            return entry(name, Action.REFRESHED, fresh, t0, fresh.isRunning() ? "running" : "disabled");
        }
        backoff.failed(System.nanoTime(), cap.toNanos());
        if (fresh.isAutomated()) {
            queue.put(name, Reason.FAILED);
        } else {
            queue.remove(name);
        }
        Throwable error = fresh.error();
        return entry(name, Action.REFRESHED, fresh, t0, error == null ? "not running" : error.toString());
    }

    /** @return null when the service may start now, else why not */
    private String applyManifest(String name) {
        if (appliers.isEmpty()) {
            return null;
        }
        Manifest manifest;
        try {
            manifest = target.manifest(name);
        } catch (RuntimeException e) {
            return "manifest unreadable: " + e.getMessage();
        }
        if (manifest.isEmpty()) {
            return null;
        }
        for (ManifestApplier applier : appliers) {
            try {
                Readiness readiness = applier.apply(name, manifest, target.orchestrator());
                if (readiness.status() == Readiness.Status.NOT_READY) {
                    return "manifest not ready: " + readiness.detail();
                }
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                log.warn("Applying the manifest of service '{}' failed", name, e);
                return "manifest apply failed: " + e;
            }
        }
        return null;
    }

    private static boolean healthy(CommonService<?> service) {
        try {
            return service.healthy();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private long earliestRetry() {
        long earliest = Long.MAX_VALUE;
        for (String name : queue.keySet()) {
            Backoff backoff = backoffs.get(name);
            if (backoff != null && backoff.failures() > 0) {
                long at = backoff.nextAttemptNanos();
                earliest = earliest == Long.MAX_VALUE ? at : (at - earliest < 0 ? at : earliest);
            }
        }
        return earliest;
    }

    private static Entry entry(String name, Action action, CommonService<?> service, long t0, String detail) {
        return new Entry(name, action, service.state(), Duration.ofNanos(System.nanoTime() - t0), detail);
    }

    private Duration interval() {
        Object value = safeConfig().get("backoff_interval");
        if (value instanceof Number number && number.doubleValue() > 0) {
            return Duration.ofMillis(Math.max(1, (long) (number.doubleValue() * 1000)));
        }
        if (value != null) {
            log.warn("JSORC_CONFIG.backoff_interval is {}; it must be a positive number of seconds. Using {} s",
                    value, DEFAULT_INTERVAL.toSeconds());
        }
        return DEFAULT_INTERVAL;
    }

    private boolean eventTrigger() {
        return !Boolean.FALSE.equals(safeConfig().get("event_trigger"));
    }

    private Map<String, Object> safeConfig() {
        try {
            return target.jsorcConfig();
        } catch (RuntimeException e) {
            log.warn("JSORC_CONFIG is unreadable; using defaults: {}", e.toString());
            return Map.of();
        }
    }

    /** Stops the loop: waits for a running cycle (bounded), then ends the thread. Idempotent. */
    @Override
    public void close() {
        closed = true;
        trigger();
        Thread loop = thread;
        if (loop == null || loop == Thread.currentThread()) {
            return;
        }
        try {
            loop.join(5_000);
            if (loop.isAlive()) {
                loop.interrupt();
                loop.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (loop.isAlive()) {
            log.warn("Regeneration loop did not end within 10 s");
        }
    }
}
