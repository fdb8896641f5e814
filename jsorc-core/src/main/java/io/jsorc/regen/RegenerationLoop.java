package io.jsorc.regen;

import io.jsorc.CommonService;
import io.jsorc.cluster.ManifestApplier;
import io.jsorc.manifest.Manifest;
import io.jsorc.ServiceNotRunningException;
import io.jsorc.ServiceState;
import io.jsorc.cluster.ManifestApplier.Readiness;
import io.jsorc.regen.RegenerationReport.Action;
import io.jsorc.regen.RegenerationReport.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps automated services alive. One daemon thread ({@code jsorc-regen}) runs a cycle every
 * {@code JSORC_CONFIG.backoff_interval} seconds, at once when a service fails or {@link #trigger()} is called
 * (triggers that arrive while a cycle runs are coalesced into one more cycle), and when a service's backoff window
 * ends. Cycles never overlap.
 *
 * <p>A cycle looks at every queued service and every built automated service. Each one is examined on a worker
 * thread of its own ({@code jsorc-regen-<service>}), so a slow dependency (a connect timeout in {@code run()}) never
 * delays another service's recovery; a service whose previous examination is still running is left to it. One that
 * is enabled, automated (or explicitly queued for restart) and not running or not {@code healthy()} gets its manifest
 * re-applied through the {@link ManifestApplier}s (not ready: try again later) and is then refreshed. A service that
 * keeps failing is retried with its own exponential backoff (from 100 ms, doubling, jittered, capped at
 * {@code backoff_interval}); during a backoff window the failed instance's {@link CommonService#probe()} is asked
 * about every 100 ms, and a {@code true} retries at once. A failed service that is not automated is dropped from the
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
    private static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private enum Reason { FAILED, RESTART }

    private final RegenerationTarget target;
    private final List<ManifestApplier> appliers;
    private final ReentrantLock cycleLock = new ReentrantLock();
    private final Object signal = new Object();
    private final Map<String, Reason> queue = new ConcurrentHashMap<>();
    private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Entry>> inFlight = new ConcurrentHashMap<>();
    /** When each service was last handed to a worker: probes are due a probe interval after that. */
    private final Map<String, Long> lastLook = new ConcurrentHashMap<>();
    private final List<java.util.function.Consumer<Entry>> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ExecutorService workers;
    private boolean triggered;
    private volatile boolean closed;
    private volatile Thread thread;

    /**
     * @param target   the orchestrator side
     * @param appliers manifest appliers, in order (may be empty)
     */
    public RegenerationLoop(RegenerationTarget target, List<ManifestApplier> appliers) {
        this.target = target;
        this.appliers = List.copyOf(appliers);
        AtomicInteger count = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    Thread worker = new Thread(runnable, "jsorc-regen-worker-" + count.incrementAndGet());
                    worker.setDaemon(true);
                    return worker;
                });
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
        if (eventTrigger()) {
            trigger();
        }
    }

    /**
     * Queues a service for an explicit restart (state {@code RESTART}): the next cycle rebuilds it even when it is
     * not automated, ignoring its backoff, and the cycle runs at once.
     *
     * @param service the service name
     */
    public void restartRequested(String service) {
        queue.put(service, Reason.RESTART);
        trigger();
    }

    /**
     * @param observer told of every service a cycle looked at (metrics use this); must be quick and not throw
     */
    public void addObserver(java.util.function.Consumer<Entry> observer) {
        observers.add(java.util.Objects.requireNonNull(observer, "observer"));
    }

    /** @param observer an observer added before; nothing happens when it is not there */
    public void removeObserver(java.util.function.Consumer<Entry> observer) {
        observers.remove(observer);
    }

    /** @return the names queued for regeneration */
    public Set<String> queued() {
        return Set.copyOf(queue.keySet());
    }

    /** Wakes the loop to recompute when its next cycle is due, without asking for a cycle. */
    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
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
                        long wakeAt = lastCycle + interval;
                        long retry = earliestRetry();
                        if (retry != Long.MAX_VALUE && retry - wakeAt < 0) {
                            wakeAt = retry;
                        }
                        if (wakeAt - now <= 0) {
                            break;
                        }
                        signal.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wakeAt - now)));
                    }
                    triggered = false;
                }
                if (closed) {
                    break;
                }
                try {
                    dispatch(false);
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
     * Runs one cycle now and waits for it: every candidate is examined (ignoring backoff windows), including those
     * whose examination was already under way.
     *
     * @return what the cycle did, per service
     */
    public RegenerationReport runCycle() {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Map<String, CompletableFuture<Entry>> work = dispatch(true);
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<Entry>> item : work.entrySet()) {
            try {
                Entry entry = item.getValue().get();
                if (entry != null) {
                    entries.add(entry);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                entries.add(new Entry(item.getKey(), Action.REFRESHED, ServiceState.FAILED, Duration.ZERO,
                        "regeneration threw: " + e.getCause()));
            }
        }
        return new RegenerationReport(started, Duration.ofNanos(System.nanoTime() - t0), entries);
    }

    /** Hands each candidate to a worker; returns the work of this cycle (and, when forced, work already running). */
    private Map<String, CompletableFuture<Entry>> dispatch(boolean force) {
        Map<String, CompletableFuture<Entry>> work = new LinkedHashMap<>();
        cycleLock.lock();
        try {
            boolean ignoreBackoff = force || !eventTrigger();
            Duration cap = interval();
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
                CompletableFuture<Entry> running = inFlight.get(name);
                if (running != null) {
                    if (force) {
                        // Report the examination under way, then examine again with backoff ignored.
                        work.put(name, running.thenCompose(done -> submit(name, true, cap)));
                    }
                    continue;
                }
                work.put(name, submit(name, ignoreBackoff, cap));
            }
        } finally {
            cycleLock.unlock();
        }
        return work;
    }

    private CompletableFuture<Entry> submit(String name, boolean ignoreBackoff, Duration cap) {
        CompletableFuture<Entry> future = new CompletableFuture<>();
        CompletableFuture<Entry> previous = inFlight.putIfAbsent(name, future);
        if (previous != null) {
            return previous;
        }
        lastLook.put(name, System.nanoTime());
        try {
            workers.execute(() -> {
                Thread worker = Thread.currentThread();
                String workerName = worker.getName();
                worker.setName("jsorc-regen-" + name);
                Entry entry = null;
                try {
                    entry = examine(name, ignoreBackoff, cap);
                    if (entry != null && entry.action() != Action.NONE) {
                        log.debug("Regeneration: {}", entry);
                    }
                    if (entry != null) {
                        for (java.util.function.Consumer<Entry> observer : observers) {
                            try {
                                observer.accept(entry);
                            } catch (RuntimeException e) {
                                log.warn("A regeneration observer threw", e);
                            }
                        }
                    }
                } catch (RuntimeException | Error e) {
                    log.error("Regenerating service '{}' threw", name, e);
                    future.completeExceptionally(e);
                } finally {
                    worker.setName(workerName);
                    inFlight.remove(name, future);
                    future.complete(entry);
                    if (!closed) {
                        wake(); // the loop recomputes when this service's next attempt is due (no cycle now)
                    }
                }
            });
        } catch (RuntimeException rejected) {
            inFlight.remove(name, future);
            future.complete(null);
        }
        return future;
    }

    private Entry examine(String name, boolean ignoreBackoff, Duration cap) {
        long t0 = System.nanoTime();
        CommonService<?> service = target.current(name);
        Reason reason = queue.get(name);
        if (service == null) {
            if (reason == null) {
                backoffs.remove(name);
                return null;
            }
            // Queued, but its last rebuild threw before an instance existed: build it again.
            return rebuild(name, null, ignoreBackoff, cap, t0);
        }
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
        return rebuild(name, service, ignoreBackoff || restart, cap, t0);
    }

    private Entry rebuild(String name, CommonService<?> service, boolean ignoreBackoff, Duration cap, long t0) {
        Backoff backoff = backoffs.computeIfAbsent(name, n -> new Backoff(INITIAL_BACKOFF_NANOS));
        if (!ignoreBackoff && !backoff.due(System.nanoTime()) && !probe(service)) {
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
            if (closed) {
                return null;
            }
            backoff.failed(System.nanoTime(), cap.toNanos());
            queue.put(name, Reason.FAILED);
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
                Readiness readiness = applier.apply(name, manifest, target.applyContext(name));
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

    private static boolean probe(CommonService<?> service) {
        try {
            return service != null && service.probe();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean healthy(CommonService<?> service) {
        try {
            return service.healthy();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private long earliestRetry() {
        if (!eventTrigger()) {
            return Long.MAX_VALUE; // the fixed loop: only the interval wakes it
        }
        long earliest = Long.MAX_VALUE;
        for (String name : queue.keySet()) {
            if (inFlight.containsKey(name)) {
                continue;
            }
            // A probe interval after the service was last looked at (anchored, so re-computing never postpones it).
            Long looked = lastLook.get(name);
            long probeAt = (looked == null ? System.nanoTime() : looked) + PROBE_INTERVAL_NANOS;
            Backoff backoff = backoffs.get(name);
            long at = probeAt;
            if (backoff != null && backoff.failures() > 0 && backoff.nextAttemptNanos() - probeAt < 0) {
                at = backoff.nextAttemptNanos();
            }
            if (earliest == Long.MAX_VALUE || at - earliest < 0) {
                earliest = at;
            }
        }
        return earliest;
    }

    private static Entry entry(String name, Action action, CommonService<?> service, long t0, String detail) {
        ServiceState state = service == null ? ServiceState.FAILED : service.state();
        return new Entry(name, action, state, Duration.ofNanos(System.nanoTime() - t0), detail);
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

    /**
     * Stops the loop: waits (bounded) for the loop thread and the workers, interrupting them if they take too long.
     * Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        trigger();
        Thread loop = thread;
        try {
            if (loop != null && loop != Thread.currentThread()) {
                loop.join(5_000);
                if (loop.isAlive()) {
                    loop.interrupt();
                    loop.join(5_000);
                }
            }
            workers.shutdown();
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
                if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("Regeneration workers did not end within 10 s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
        if (loop != null && loop.isAlive()) {
            log.warn("Regeneration loop did not end within 10 s");
        }
    }
}
