package io.jsorc.regen;

import io.jsorc.cluster.Leadership;
import io.jsorc.cluster.ManifestDemand;
import io.jsorc.cluster.ManifestApplier;
import io.jsorc.ServiceState;
import io.jsorc.base.DaemonThreads;
import io.jsorc.regen.RegenerationReport.Action;
import io.jsorc.regen.RegenerationReport.Entry;
import io.jsorc.regen.WorkQueue.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Keeps automated services alive. One daemon thread ({@code jsorc-regen}) runs a cycle every
 * {@code JSORC_CONFIG.backoff_interval} seconds, at once when a service fails or {@link #trigger()} is called
 * (triggers that arrive while a cycle runs are coalesced into one more cycle), and when a service's backoff window
 * ends. Cycles never overlap.
 *
 * <p>A cycle looks at every queued service, and once every {@code backoff_interval} (and in {@link #runCycle()}) at
 * every built automated service too: a trigger or a due probe never health-checks the services that are fine. Each
 * one is examined on a worker
 * thread of its own ({@code jsorc-regen-<service>}), so a slow dependency (a connect timeout in {@code run()}) never
 * delays another service's recovery; a service whose previous examination is still running is left to it. One that
 * is enabled, automated (or explicitly queued for restart) and not running or not {@code healthy()} gets its manifest
 * re-applied through the {@link ManifestApplier}s (not ready: try again later) and is then refreshed. A service that
 * keeps failing is retried with its own exponential backoff (from 100 ms, doubling, jittered, capped at
 * {@code backoff_interval}); during a backoff window the failed instance's {@link io.jsorc.CommonService#probe()}
 * is asked about every 100 ms, and a {@code true} retries at once. A failed service that is not automated is dropped
 * from the queue and left {@code FAILED}.
 *
 * <p>{@code JSORC_CONFIG.event_trigger: false} turns the event trigger and the backoff off: the loop then behaves
 * like a plain fixed-interval loop (kept for comparison benchmarks).
 *
 * <p>This class owns the threads: the loop, dispatch to workers, shutdown. What is queued, each service's backoff and
 * when the next cycle is due live in a {@code WorkQueue}; what to do to one service lives in a {@code Reconciler};
 * {@code JSORC_CONFIG} is read once per cycle into {@code RegenerationSettings}.
 */
public final class RegenerationLoop implements AutoCloseable {

    /** Default {@code backoff_interval} when the config has none or an invalid one. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(RegenerationLoop.class);
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(100);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final RegenerationTarget target;
    private final WorkQueue<Entry> queue = new WorkQueue<>(INITIAL_BACKOFF, PROBE_INTERVAL);
    private final Reconciler reconciler;
    /** Cycles never overlap: a forced cycle and the loop's own take turns handing out work. */
    private final ReentrantLock cycleLock = new ReentrantLock();
    private final List<Consumer<Entry>> observers = new CopyOnWriteArrayList<>();
    private final ExecutorService workers;
    private final RegenerationSettings.Reader settings;
    private final Leadership leadership;
    private final ManifestDemand demand;
    private volatile Thread thread;

    /**
     * Creates a loop; {@link #start()} starts its daemon thread.
     *
     * @param target   the orchestrator side
     * @param appliers manifest appliers, in order (may be empty)
     */
    public RegenerationLoop(RegenerationTarget target, List<ManifestApplier> appliers) {
        this(target, appliers, Leadership.everyone());
    }

    /**
     * Creates a loop whose cluster writes only the leader replica makes; {@link #start()} starts its daemon thread.
     *
     * @param target     the orchestrator side
     * @param appliers   manifest appliers, in order (may be empty)
     * @param leadership whether this replica writes to the cluster; followers wait for what the leader applies
     */
    public RegenerationLoop(RegenerationTarget target, List<ManifestApplier> appliers, Leadership leadership) {
        this(target, appliers, leadership, null);
    }

    /**
     * Creates a loop whose cluster writes only the leader replica makes, and which applies on the leader the
     * manifests followers wait for; {@link #start()} starts its daemon thread.
     *
     * @param target     the orchestrator side
     * @param appliers   manifest appliers, in order (may be empty)
     * @param leadership whether this replica writes to the cluster; followers wait for what the leader applies
     * @param demand     where followers record the manifests they wait for, or {@code null} (a lone replica)
     */
    public RegenerationLoop(RegenerationTarget target, List<ManifestApplier> appliers, Leadership leadership,
                            ManifestDemand demand) {
        this.target = target;
        this.settings = new RegenerationSettings.Reader(target::jsorcConfig);
        this.leadership = leadership;
        this.demand = demand;
        this.reconciler = new Reconciler(target, appliers, queue, leadership, demand);
        // Unbounded and without a queue: every service examined gets a thread at once (a slow one never holds up
        // another); idle threads end after 5 s.
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.factory("jsorc-regen-worker"));
    }

    /** Starts the daemon thread. Idempotent. */
    public synchronized void start() {
        if (queue.isClosed()) {
            throw new IllegalStateException("Regeneration loop is closed; it cannot start again");
        }
        if (thread == null) {
            thread = DaemonThreads.start("jsorc-regen", this::loop);
        }
    }

    /**
     * Stops the daemon thread and starts a fresh one, which reads {@code JSORC_CONFIG} again and runs a cycle at
     * once. Queued services stay queued.
     *
     * @throws IllegalStateException when the loop is closed, or was never started
     */
    public synchronized void restart() {
        if (queue.isClosed() || thread == null) {
            throw new IllegalStateException("Regeneration loop cannot restart: it is "
                    + (queue.isClosed() ? "closed" : "not started"));
        }
        if (!DaemonThreads.interruptAndJoin(thread, STOP_WAIT)) {
            throw new IllegalStateException("Regeneration loop thread did not stop within " + STOP_WAIT.toSeconds()
                    + " s; it was not restarted");
        }
        thread = DaemonThreads.start("jsorc-regen", this::loop);
        trigger();
    }

    /** {@return the time between cycles as {@code JSORC_CONFIG.backoff_interval} sets it now} */
    public Duration interval() {
        return settings.read().interval();
    }

    /** {@return whether the daemon thread runs} */
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
        queue.signalFailure(service);
        if (settings.read().eventTrigger()) {
            trigger();
        }
    }

    /**
     * Queues a service for an explicit restart (state {@code RESTART}): the next cycle rebuilds it even when it is
     * not automated, its backoff forgotten (an attempt that fails, say on a manifest still rolling out, backs off
     * again), after a random delay up to {@code JSORC_CONFIG.restart_jitter_ms} (so N replicas told of one config
     * change do not reconnect in the same millisecond; a forced cycle does not wait).
     *
     * @param service the service name
     */
    public void restartRequested(String service) {
        long jitter = settings.read().restartJitter().toNanos();
        queue.offerRestart(service, jitter <= 0 ? 0 : java.util.concurrent.ThreadLocalRandom.current()
                .nextLong(jitter + 1));
        trigger();
    }

    /**
     * Told when this replica starts or stops leading: a new leader forgets the backoffs of what it waited for and
     * examines it at once (what it waited for is now its to apply).
     *
     * @param leader whether this replica leads now
     */
    public void leadershipChanged(boolean leader) {
        if (leader && !queue.isClosed()) {
            queue.forgetAllBackoffs();
            trigger();
        }
    }

    /**
     * Adds an observer of what cycles do, service by service.
     *
     * @param observer told of every service a cycle looked at (metrics use this); must be quick and not throw
     */
    public void addObserver(Consumer<Entry> observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    /**
     * Removes an observer.
     *
     * @param observer an observer added before; nothing happens when it is not there
     */
    public void removeObserver(Consumer<Entry> observer) {
        observers.remove(observer);
    }

    /** {@return the names queued for regeneration} */
    public Set<String> queued() {
        return queue.keys();
    }

    /** Asks for a cycle now; coalesced with one already asked for. */
    public void trigger() {
        queue.trigger();
    }

    private void loop() {
        // Each cycle reads the settings once; the wait after it uses the same reading.
        RegenerationSettings current = settings.read();
        long lastCycle = System.nanoTime();
        // When built services were last examined: the first cycle examines them all.
        long lastFull = lastCycle - current.interval().toNanos();
        try {
            while (queue.awaitCycle(lastCycle, current.interval().toNanos(), current.eventTrigger())) {
                current = settings.read();
                // Queued services are looked at on every wake (a trigger, a probe, a retry that is due); every built
                // one (its healthy(), which may open a connection) only once an interval, not at each 100 ms probe.
                boolean full = System.nanoTime() - lastFull >= current.interval().toNanos();
                try {
                    dispatch(false, full, current);
                } catch (RuntimeException e) {
                    log.error("Regeneration cycle failed", io.jsorc.base.Secrets.masked(e));
                }
                lastCycle = System.nanoTime();
                if (full) {
                    lastFull = lastCycle;
                }
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
        Map<String, CompletableFuture<Entry>> work = dispatch(true, true, settings.read());
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

    /**
     * Hands each candidate to a worker: the queued services, and with {@code full} every built one too; returns the
     * work of this cycle (and, when forced, work already running).
     */
    private Map<String, CompletableFuture<Entry>> dispatch(boolean force, boolean full,
                                                           RegenerationSettings current) {
        Map<String, CompletableFuture<Entry>> work = new LinkedHashMap<>();
        cycleLock.lock();
        try {
            boolean ignoreBackoff = force || !current.eventTrigger();
            Duration cap = current.interval();
            // Names only: whether a built service is automated is its worker's question, because asking
            // (current()) waits while the service is being built, and the loop must never wait on one service.
            Set<String> built = full ? target.builtServices() : Set.of();
            if (full && demand != null && leadership.isLeader()) {
                // The manifests followers wait for, of services this replica never built: applied here, the one
                // replica that writes (the services it built are looked after below, as always).
                for (String waitedFor : demand.waiting().keySet()) {
                    if (!built.contains(waitedFor)) {
                        queue.offer(waitedFor, WorkQueue.Reason.DEMANDED);
                    }
                }
            }
            Set<String> candidates = new LinkedHashSet<>(queue.keys());
            candidates.addAll(built);
            for (String name : candidates) {
                if (queue.isClosed()) {
                    break;
                }
                CompletableFuture<Entry> running = queue.running(name);
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
        CompletableFuture<Entry> previous = queue.claim(name, future);
        if (previous != null) {
            return previous;
        }
        try {
            workers.execute(() -> work(name, future, ignoreBackoff, cap));
        } catch (RuntimeException rejected) {
            queue.release(name, future); // closed meanwhile
            future.complete(null);
        }
        return future;
    }

    /** Runs on a worker: one service's examination, reported to the observers. */
    private void work(String name, CompletableFuture<Entry> future, boolean ignoreBackoff, Duration cap) {
        Thread worker = Thread.currentThread();
        String poolName = worker.getName();
        worker.setName("jsorc-regen-" + name); // a stuck rebuild shows in a thread dump under its service's name
        Entry entry = null;
        try {
            entry = reconciler.examine(name, ignoreBackoff, cap);
            if (entry != null) {
                if (entry.action() != Action.NONE) {
                    log.debug("Regeneration: {}", entry);
                }
                notifyObservers(entry);
            }
        } catch (RuntimeException | Error e) {
            log.error("Regenerating service '{}' threw", name, io.jsorc.base.Secrets.masked(e));
            future.completeExceptionally(e);
        } finally {
            worker.setName(poolName);
            // Released before completing: a forced cycle waiting on this work claims the service again at once.
            queue.release(name, future);
            future.complete(entry);
            if (!queue.isClosed()) {
                queue.wake(); // the loop recomputes when this service's next attempt is due (no cycle now)
            }
        }
    }

    private void notifyObservers(Entry entry) {
        for (Consumer<Entry> observer : observers) {
            try {
                observer.accept(entry);
            } catch (RuntimeException e) {
                log.warn("A regeneration observer threw", e);
            }
        }
    }

    /**
     * Stops the loop: waits (bounded) for the loop thread and the workers, interrupting them if they take too long.
     * Idempotent.
     */
    @Override
    public void close() {
        queue.close();
        Thread loop = thread;
        if (loop != Thread.currentThread()) {
            DaemonThreads.stop(loop, STOP_WAIT, STOP_WAIT);
        }
        try {
            workers.shutdown();
            if (!workers.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
                if (!workers.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
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
