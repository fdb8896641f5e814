package io.jsorc.regen;

import io.jsorc.CommonService;
import io.jsorc.cluster.Leadership;
import io.jsorc.cluster.ManifestApplier;
import io.jsorc.manifest.Manifest;
import io.jsorc.ServiceNotRunningException;
import io.jsorc.ServiceState;
import io.jsorc.base.Backoff;
import io.jsorc.base.Secrets;
import io.jsorc.cluster.ManifestApplier.Readiness;
import io.jsorc.regen.RegenerationReport.Action;
import io.jsorc.regen.RegenerationReport.Entry;
import io.jsorc.regen.WorkQueue.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Reconciles one service at a time: looks at it, and if it should run but does not (or is not {@code healthy()}),
 * re-applies its manifest through the {@link ManifestApplier}s and refreshes it, within its backoff. It keeps what it
 * learns (queued again, off the queue, one more failure) in the {@link WorkQueue}, and knows nothing of threads: the
 * loop decides which worker calls it and when. One service is examined by one caller at a time.
 *
 * <p>Only the leader replica ({@link Leadership}) writes to the cluster. A follower asks the appliers whether what
 * the leader applied is there and ready ({@link ManifestApplier#check}) and starts its service once it is
 * ({@link Action#WAITING_FOR_LEADER} until then). A requested restart (a config change) re-applies the manifest only
 * when it changed since this replica last applied it successfully, or when what was applied is gone: N replicas
 * told of one config change send nothing to the cluster beyond the leader's reads. A follower that waits records it
 * ({@link io.jsorc.cluster.ManifestDemand}); the leader applies the manifests followers wait for even of services it
 * does not use ({@link Action#APPLIED_FOR_FOLLOWERS}).
 */
final class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final RegenerationTarget target;
    private final List<ManifestApplier> appliers;
    private final WorkQueue<?> queue;
    private final Leadership leadership;
    private final io.jsorc.cluster.ManifestDemand demand;
    /** Per service, the digest of the manifest this replica last applied with everything ready (one per service). */
    private final Map<String, String> lastApplied = new ConcurrentHashMap<>();

    /** What stands between a service and its restart. */
    private record Gate(Action action, String detail) { }

    /**
     * Creates a reconciler that keeps what it learns in {@code queue}.
     *
     * @param target     the orchestrator side
     * @param appliers   manifest appliers, in order (may be empty)
     * @param queue      the queue whose reasons and backoffs this reconciler reads and updates
     * @param leadership whether this replica writes to the cluster
     * @param demand     where a follower records that it waits for a manifest (the leader applies those too), or
     *                   {@code null}: no replica shares it
     */
    Reconciler(RegenerationTarget target, List<ManifestApplier> appliers, WorkQueue<?> queue, Leadership leadership,
               io.jsorc.cluster.ManifestDemand demand) {
        this.target = target;
        this.appliers = List.copyOf(appliers);
        this.queue = queue;
        this.leadership = leadership;
        this.demand = demand;
    }

    /**
     * Examines one service and does what it needs.
     *
     * @param name          the service name
     * @param ignoreBackoff whether to rebuild even inside its backoff window (a forced cycle, the fixed loop)
     * @param cap           the longest backoff delay ({@code backoff_interval})
     * @return what was done, or {@code null} when the service was no candidate (not queued and not automated, or gone)
     */
    Entry examine(String name, boolean ignoreBackoff, Duration cap) {
        long requests = queue.restartRequests(name);
        long failures = queue.failureSignals(name);
        Entry entry = examineOnce(name, ignoreBackoff, cap);
        if (queue.restartRequests(name) != requests && queue.reason(name) != Reason.RESTART) {
            // A restart asked for while this examination ran (a config change during a rebuild, which could not
            // mark the instance being built) was cleared with the examination's own outcome: ask for it again.
            queue.forgetBackoff(name); // a new request: its first attempt is due at once
            queue.offer(name, Reason.RESTART);
        }
        if (queue.failureSignals(name) != failures && queue.reason(name) == null) {
            // A failure signalled while this examination ran (the service failed after its health check passed)
            // was cleared with the examination's outcome: queue it again if the service is still down.
            CommonService<?> now = target.current(name);
            if (now != null && now.hasFailed()) {
                queue.offer(name, Reason.FAILED);
            }
        }
        return entry;
    }

    private Entry examineOnce(String name, boolean ignoreBackoff, Duration cap) {
        long t0 = System.nanoTime();
        // Waits while the service is being built; the caller is this service's worker, so only this service waits.
        CommonService<?> service = target.current(name);
        Reason reason = queue.reason(name);
        if (reason == Reason.DEMANDED) {
            if (service == null) {
                return applyForFollowers(name, ignoreBackoff, cap, t0);
            }
            queue.done(name); // built here after all: looked after as any built service
            reason = null;
        }
        if (service == null) {
            if (reason == null) {
                queue.forgetBackoff(name);
                return null;
            }
            // Queued, but its last rebuild threw before an instance existed: build it again.
            return rebuild(name, null, ignoreBackoff, cap, t0);
        }
        if (reason == null && !service.isAutomated()) {
            return null; // built but neither queued nor automated: nobody asked us to look after it
        }
        boolean restart = reason == Reason.RESTART || service.state() == ServiceState.RESTART;
        long jitter = restart && !ignoreBackoff ? queue.restartDelayNanos(name) : 0;
        if (jitter > 0) {
            return entry(name, Action.DEFERRED, service, t0, "restart in "
                    + Math.max(1, TimeUnit.NANOSECONDS.toMillis(jitter)) + " ms (jitter: replicas do not restart in step)");
        }
        if (!restart && !service.isEnabled()) {
            queue.done(name);
            return reason == null ? null : entry(name, Action.DROPPED, service, t0, "disabled");
        }
        if (!restart && !service.isAutomated()) {
            queue.done(name);
            return reason == null ? null : entry(name, Action.DROPPED, service, t0, "not automated; left "
                    + service.state());
        }
        if (!restart && service.state() == ServiceState.STARTED) {
            return entry(name, Action.NONE, service, t0, "starting");
        }
        if (!restart && service.isRunning()) {
            if (healthy(service)) {
                queue.done(name);
                return entry(name, Action.NONE, service, t0, "healthy");
            }
            try {
                service.markFailed(new ServiceNotRunningException("Service '" + name + "' failed its health check"));
            } catch (IllegalStateException raced) {
                log.debug("Service '{}' changed state during its health check: {}", name, raced.getMessage());
            }
        }
        // A restart is not exempt from the backoff: asking for one forgot the key's failures (its first attempt is due
        // at once), and an attempt that fails (a manifest still rolling out) backs off like any other.
        return rebuild(name, service, ignoreBackoff, cap, t0, restart);
    }

    private Entry rebuild(String name, CommonService<?> service, boolean ignoreBackoff, Duration cap, long t0) {
        return rebuild(name, service, ignoreBackoff, cap, t0, false);
    }

    private Entry rebuild(String name, CommonService<?> service, boolean ignoreBackoff, Duration cap, long t0,
                          boolean restart) {
        Backoff backoff = queue.backoff(name);
        if (!ignoreBackoff && !backoff.due(System.nanoTime()) && !probe(service)) {
            return entry(name, Action.DEFERRED, service, t0, retryIn(backoff));
        }
        Gate gate = applyManifest(name, restart);
        if (gate != null) {
            backoff.failed(System.nanoTime(), cap);
            queue.offer(name, Reason.FAILED);
            return entry(name, gate.action(), service, t0, gate.detail());
        }
        CommonService<?> fresh;
        try {
            fresh = target.refresh(name);
        } catch (RuntimeException e) {
            if (queue.isClosed()) {
                return null; // the orchestrator closed under the refresh: not a failure worth reporting
            }
            backoff.failed(System.nanoTime(), cap);
            queue.requeue(name);
            return entry(name, Action.REFRESHED, service, t0, "refresh threw: " + e); // Entry masks details
        }
        if (fresh.isRunning() || !fresh.isEnabled()) {
            queue.done(name);
            return entry(name, Action.REFRESHED, fresh, t0, fresh.isRunning() ? "running" : "disabled");
        }
        backoff.failed(System.nanoTime(), cap);
        if (fresh.isAutomated()) {
            queue.requeue(name);
        } else {
            queue.drop(name);
        }
        Throwable error = fresh.error();
        return entry(name, Action.REFRESHED, fresh, t0, error == null ? "not running"
                : error.toString()); // Entry masks details
    }

    /**
     * The leader's part for a service it has not built but followers wait for: its manifest is applied (only when it
     * changed or what was applied is gone), nothing is built.
     */
    private Entry applyForFollowers(String name, boolean ignoreBackoff, Duration cap, long t0) {
        if (!leadership.isLeader()) {
            queue.done(name); // no longer leads: the new leader looks at the demand
            return null;
        }
        if (!stillWaitedFor(name)) {
            queue.done(name); // nobody waits for it any more (the followers built it, or their waits ran out)
            return null;
        }
        if (!registered(name)) {
            // Followers of another build wait for a service this one does not register: nothing to apply here, and
            // retrying it would keep the key queued for good. A wait recorded again queues it again.
            queue.done(name);
            return new Entry(name, Action.DROPPED, ServiceState.NOT_STARTED, Duration.ofNanos(System.nanoTime() - t0),
                    "followers wait for its manifest, but no service '" + name + "' is registered here");
        }
        Backoff backoff = queue.backoff(name);
        if (!ignoreBackoff && !backoff.due(System.nanoTime())) {
            return new Entry(name, Action.DEFERRED, ServiceState.NOT_STARTED, Duration.ofNanos(System.nanoTime()
                    - t0), "manifest apply for followers: " + retryIn(backoff));
        }
        Gate gate = applyManifest(name, true);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        if (gate != null) {
            backoff.failed(System.nanoTime(), cap);
            queue.offer(name, Reason.DEMANDED);
            return new Entry(name, gate.action(), ServiceState.NOT_STARTED, took, gate.detail());
        }
        queue.done(name);
        return new Entry(name, Action.APPLIED_FOR_FOLLOWERS, ServiceState.NOT_STARTED, took,
                "manifest in place for the replicas that wait for it; not used here");
    }

    /** {@return whether the service is registered here; true when its manifest cannot be read now (apply says so)} */
    private boolean registered(String name) {
        try {
            target.manifest(name);
            return true;
        } catch (io.jsorc.NoSuchComponentException unknown) {
            return false;
        } catch (RuntimeException unreadable) {
            return true;
        }
    }

    /** {@return whether a follower still waits for the service; true when the demand cannot be read now} */
    private boolean stillWaitedFor(String name) {
        if (demand == null) {
            return true;
        }
        try {
            return demand.waiting().containsKey(name);
        } catch (RuntimeException unreadable) {
            return true;
        }
    }

    /** {@return when a deferred attempt is due, and how many failed before it, for an entry's detail} */
    private static String retryIn(Backoff backoff) {
        return "retry in " + TimeUnit.NANOSECONDS.toMillis(backoff.nextAttemptNanos() - System.nanoTime())
                + " ms (failure " + backoff.failures() + ")";
    }

    /** {@return null when the service may start now, else what it waits for} */
    private Gate applyManifest(String name, boolean restart) {
        if (appliers.isEmpty()) {
            return null;
        }
        Manifest manifest;
        try {
            manifest = target.manifest(name);
        } catch (RuntimeException e) {
            return new Gate(Action.WAITING_FOR_MANIFEST, "manifest unreadable: " + e.getMessage());
        }
        if (manifest.isEmpty()) {
            return null;
        }
        String digest = digest(manifest);
        boolean leader = leadership.isLeader();
        if (!leader || (restart && digest.equals(lastApplied.get(name)))) {
            Gate checked = check(name, manifest, leader);
            if (checked != null && !leader && demand != null) {
                demand.record(name); // the leader applies it even if it never uses this service
            }
            if (checked == null || !leader) {
                return checked;
            }
            // The leader finds what it applied gone or not ready: apply again below.
        }
        for (ManifestApplier applier : appliers) {
            try {
                Readiness readiness = apply(applier, name, manifest);
                if (readiness.status() == Readiness.Status.NOT_READY) {
                    lastApplied.remove(name);
                    return leadership.isLeader() ? new Gate(Action.WAITING_FOR_MANIFEST, "manifest not ready: "
                            + readiness.detail()) : new Gate(Action.WAITING_FOR_LEADER, "lost the leader lease "
                            + "while applying (" + leadership.describe() + "): " + readiness.detail());
                }
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                lastApplied.remove(name);
                log.warn("Applying the manifest of service '{}' failed", name, Secrets.masked(e));
                return new Gate(Action.WAITING_FOR_MANIFEST, "manifest apply failed: " + e);
            }
        }
        lastApplied.put(name, digest);
        return null;
    }

    /** Asks the appliers, without writing, whether the manifest is in the cluster and ready. */
    private Gate check(String name, Manifest manifest, boolean leader) {
        Action waiting = leader ? Action.WAITING_FOR_MANIFEST : Action.WAITING_FOR_LEADER;
        String who = leader ? "" : "the leader applies it (" + leadership.describe() + "); ";
        for (ManifestApplier applier : appliers) {
            try {
                Readiness readiness = applier.check(name, manifest, target.applyContext(name));
                if (readiness.status() == Readiness.Status.NOT_READY) {
                    return new Gate(waiting, who + "manifest not ready: " + readiness.detail());
                }
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                return new Gate(waiting, who + "manifest check failed: " + e);
            }
        }
        return null;
    }

    private static String digest(Manifest manifest) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(manifest.toJson()
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The one call into the {@link ManifestApplier} SPI, kept alone so that what appliers are handed is one line. */
    private Readiness apply(ManifestApplier applier, String name, Manifest manifest) throws Exception {
        return applier.apply(name, manifest, target.applyContext(name));
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

    private static Entry entry(String name, Action action, CommonService<?> service, long t0, String detail) {
        ServiceState state = service == null ? ServiceState.FAILED : service.state();
        return new Entry(name, action, state, Duration.ofNanos(System.nanoTime() - t0), detail);
    }
}
