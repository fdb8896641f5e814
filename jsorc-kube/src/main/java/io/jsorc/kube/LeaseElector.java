package io.jsorc.kube;

import io.jsorc.lifecycle.FailureLog;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One replica's side of a {@code coordination.k8s.io/v1} Lease election, with client-go's semantics, one attempt at
 * a time (the caller's thread repeats {@link #tryAcquireOrRenew()} every retry period).
 *
 * <ul>
 * <li>A lease that does not exist is created with this replica as holder.</li>
 * <li>A lease held by another replica is taken only once it expired: its record (holder, renew time, version) has
 *     not changed for the lease duration, measured on this replica's monotonic clock from when it first saw that
 *     record, so clock skew between replicas does not matter. An empty holder (a released lease) is free.</li>
 * <li>Every acquire and renew is a replace carrying the {@code resourceVersion} read, so of two replicas that race
 *     exactly one wins (the API server answers the other 409).</li>
 * <li>The holder leads while its last successful renewal started less than the renew deadline ago (shorter than
 *     the lease, so it stops before anyone else may start); a process paused past that (SIGSTOP, a long GC) wakes
 *     up as a follower before it can write.</li>
 * <li>{@link #release()} empties the holder, so another replica takes over without waiting for expiry.</li>
 * </ul>
 *
 * <p>Thread-safe; every attempt is short and bounded by the API client's timeouts.
 */
final class LeaseElector {

    private static final Logger log = LoggerFactory.getLogger(LeaseElector.class);
    /** HTTP 403: what the replica's service account lacks, for the message. */
    private static final String FORBIDDEN_HINT = " (forbidden: the service account needs get, create and update on "
            + "coordination.k8s.io leases in this namespace; without them no replica ever leads)";

    /** Unexpected answers: WARN the first time and on each new error, then DEBUG with a count (FailureLog). */
    private final FailureLog failures = new FailureLog();

    private final Supplier<CoordinationV1Api> api;
    private final Supplier<String> namespace;
    private final String name;
    private final String identity;
    private final Duration leaseDuration;
    private final Duration renewDeadline;
    private final Duration verifyInterval;
    private final LongSupplier clock;

    private V1Lease observed;
    private long observedAtNanos;
    private boolean renewed;
    private long renewedAtNanos;

    /**
     * What {@link #isLeader()} and {@link #fencingToken()} read without the lock: they are asked before every write
     * and in every regeneration cycle, and must not wait behind an attempt that waits for the API server (up to its
     * timeouts, under the lock). Published under the lock after every change of the fields above.
     */
    private record View(boolean holds, long renewedAtNanos, long fencingToken) {
    }

    private volatile View view = new View(false, 0, 0);
    private long verifiedAtNanos;

    /**
     * Creates an elector; nothing is sent before the first attempt.
     *
     * @param api            the API to use now, or {@code null} while the cluster cannot be reached
     * @param namespace      the lease's namespace
     * @param name           the lease's name
     * @param identity       this replica's holder identity
     * @param leaseDuration  how long a lease lasts without renewal
     * @param renewDeadline  how long the holder leads after its last successful renewal started
     * @param verifyInterval how old a verification of the lease {@link #confirm()} accepts before reading it again
     * @param clock          the monotonic clock, in nanoseconds ({@link System#nanoTime()})
     */
    LeaseElector(Supplier<CoordinationV1Api> api, Supplier<String> namespace, String name, String identity,
                 Duration leaseDuration, Duration renewDeadline, Duration verifyInterval, LongSupplier clock) {
        this.api = Objects.requireNonNull(api, "api");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.name = Objects.requireNonNull(name, "name");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.leaseDuration = leaseDuration;
        this.renewDeadline = renewDeadline;
        this.verifyInterval = verifyInterval;
        this.clock = clock;
    }

    /** {@return this replica's holder identity} */
    String identity() {
        return identity;
    }

    /**
     * Makes one attempt to acquire the lease, or to renew it when held.
     *
     * @return whether this replica leads after the attempt
     */
    synchronized boolean tryAcquireOrRenew() {
        long start = clock.getAsLong();
        CoordinationV1Api coordination = api.get();
        if (coordination == null) {
            return isLeader();
        }
        String ns = namespace.get();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        V1Lease current;
        try {
            current = coordination.readNamespacedLease(name, ns).execute();
        } catch (ApiException e) {
            if (e.getCode() != 404) {
                failed(ns, "reading", e);
                return isLeader();
            }
            return create(coordination, ns, now, start);
        }
        // Observed when the read answered, not when it was sent: a slow read must not age the holder's record.
        observe(current, clock.getAsLong());
        V1LeaseSpec spec = current.getSpec() == null ? new V1LeaseSpec() : current.getSpec();
        String holder = spec.getHolderIdentity();
        boolean mine = identity.equals(holder);
        // The holder's own lease duration, as client-go does: replicas with other settings (a rolling change of
        // them) never take a lease the holder still counts as its own.
        Duration holderLease = spec.getLeaseDurationSeconds() != null && spec.getLeaseDurationSeconds() > 0
                ? Duration.ofSeconds(spec.getLeaseDurationSeconds()) : leaseDuration;
        if (!mine && holder != null && !holder.isEmpty()
                && clock.getAsLong() - observedAtNanos < holderLease.toNanos()) {
            renewed = false; // someone else holds a live lease
            publish();
            answered(ns); // the attempt is over, and it worked: nothing to write
            return false;
        }
        V1LeaseSpec next = new V1LeaseSpec().holderIdentity(identity).leaseDurationSeconds(seconds(leaseDuration))
                .renewTime(now)
                .acquireTime(mine && spec.getAcquireTime() != null ? spec.getAcquireTime() : now)
                .leaseTransitions(mine ? transitions(spec) : transitions(spec) + 1);
        V1Lease update = new V1Lease().apiVersion("coordination.k8s.io/v1").kind("Lease")
                .metadata(new V1ObjectMeta().name(name).namespace(ns)
                        .resourceVersion(current.getMetadata().getResourceVersion()))
                .spec(next);
        try {
            V1Lease written = coordination.replaceNamespacedLease(name, ns, update).execute();
            won(written, start);
            answered(ns); // only a whole attempt that worked ends a failure streak, not its read alone
            if (!mine) {
                log.info("Acquired lease {}/{} as {} (was {}, term {})", ns, name, identity,
                        holder == null || holder.isEmpty() ? "free" : holder, next.getLeaseTransitions());
            }
            return true;
        } catch (ApiException e) {
            if (e.getCode() == 409) {
                log.debug("{} lease {}/{} lost a race: HTTP 409", mine ? "Renewing" : "Acquiring", ns, name);
            } else {
                failed(ns, mine ? "renewing" : "acquiring", e);
            }
            return isLeader();
        }
    }

    private boolean create(CoordinationV1Api coordination, String ns, OffsetDateTime now, long start) {
        V1Lease lease = new V1Lease().apiVersion("coordination.k8s.io/v1").kind("Lease")
                .metadata(new V1ObjectMeta().name(name).namespace(ns))
                .spec(new V1LeaseSpec().holderIdentity(identity).leaseDurationSeconds(seconds(leaseDuration))
                        .acquireTime(now).renewTime(now).leaseTransitions(0));
        try {
            won(coordination.createNamespacedLease(ns, lease).execute(), start);
            answered(ns);
            log.info("Created lease {}/{} as {}", ns, name, identity);
            return true;
        } catch (ApiException e) {
            if (e.getCode() == 409) {
                log.debug("Creating lease {}/{} lost a race: HTTP 409 (another replica created it)", ns, name);
            } else {
                failed(ns, "creating", e);
            }
            return false;
        }
    }

    /**
     * Logs a lease request that failed for another reason than a lost race: a missing permission or an API server
     * that does not answer leaves every replica a follower, and says so at WARN.
     */
    private void failed(String ns, String step, ApiException e) {
        String error = step + ": " + (e.getCode() == 0 ? "no answer from the API server"
                + (e.getCause() == null ? "" : " (" + e.getCause().getClass().getSimpleName() + ")")
                : "HTTP " + e.getCode() + (e.getCode() == 403 ? FORBIDDEN_HINT : ""));
        failures.log(log, "Lease " + ns + "/" + name, error);
    }

    /** A lease request answered: a failure logged before is over. */
    private void answered(String ns) {
        if (failures.recovered("Lease " + ns + "/" + name)) {
            log.info("Lease {}/{} answers again", ns, name);
        }
    }

    private void won(V1Lease written, long start) {
        observed = written;
        observedAtNanos = start;
        renewed = true;
        renewedAtNanos = start;
        verifiedAtNanos = start;
        publish();
    }

    /** Publishes the view {@link #isLeader()} reads; the caller holds the lock. */
    private void publish() {
        boolean holds = renewed && observed != null && observed.getSpec() != null
                && identity.equals(observed.getSpec().getHolderIdentity());
        view = new View(holds, renewedAtNanos, holds ? transitions(observed.getSpec()) + 1L : 0);
    }

    /** Remembers the record and, when it changed, when this replica first saw it (the expiry clock restarts). */
    private void observe(V1Lease current, long start) {
        if (observed == null || !sameRecord(observed, current)) {
            observed = current;
            observedAtNanos = start;
            publish();
        }
    }

    private static boolean sameRecord(V1Lease a, V1Lease b) {
        return Objects.equals(a.getMetadata().getResourceVersion(), b.getMetadata().getResourceVersion())
                && Objects.equals(a.getSpec(), b.getSpec());
    }

    /**
     * {@return whether this replica holds the lease and renewed it less than the renew deadline ago} Takes no lock and
     * sends nothing: it never waits behind an attempt under way.
     */
    boolean isLeader() {
        return leads(view);
    }

    private boolean leads(View current) {
        return current.holds() && clock.getAsLong() - current.renewedAtNanos() < renewDeadline.toNanos();
    }

    /**
     * Asked right before a write: leads by the local clock and, unless verified within the verify interval, the
     * lease read now still names this replica with the version it last wrote.
     *
     * @return whether the write may go ahead
     */
    synchronized boolean confirm() {
        if (!isLeader()) {
            return false;
        }
        long start = clock.getAsLong();
        if (start - verifiedAtNanos < verifyInterval.toNanos()) {
            return true;
        }
        CoordinationV1Api coordination = api.get();
        if (coordination == null) {
            return false;
        }
        try {
            V1Lease current = coordination.readNamespacedLease(name, namespace.get()).execute();
            boolean still = current.getSpec() != null && identity.equals(current.getSpec().getHolderIdentity())
                    && Objects.equals(current.getMetadata().getResourceVersion(),
                    observed.getMetadata().getResourceVersion());
            if (!still) {
                observe(current, start);
                renewed = false;
                publish();
                log.warn("Lease {} is no longer held by {} (holder {}): not writing", name, identity,
                        current.getSpec() == null ? null : current.getSpec().getHolderIdentity());
                return false;
            }
            verifiedAtNanos = start;
            return isLeader();
        } catch (ApiException e) {
            failed(namespace.get(), "verifying", e);
            return false;
        }
    }

    /** {@return the fencing token of this replica's term (the lease's transition count plus one), 0 when not leading} */
    long fencingToken() {
        View current = view;
        return leads(current) ? current.fencingToken() : 0;
    }

    /** {@return the holder in the record this replica last saw} */
    synchronized Optional<String> observedHolder() {
        return observed == null || observed.getSpec() == null ? Optional.empty()
                : Optional.ofNullable(observed.getSpec().getHolderIdentity()).filter(h -> !h.isEmpty());
    }

    /** Empties the holder when this replica holds the lease, so another takes over at once. Best effort. */
    synchronized void release() {
        if (!isLeader()) {
            renewed = false;
            publish();
            return;
        }
        renewed = false;
        publish(); // a follower from now on, before the release is sent
        CoordinationV1Api coordination = api.get();
        if (coordination == null) {
            return;
        }
        V1LeaseSpec spec = observed.getSpec();
        V1Lease released = new V1Lease().apiVersion("coordination.k8s.io/v1").kind("Lease")
                .metadata(new V1ObjectMeta().name(name).namespace(namespace.get())
                        .resourceVersion(observed.getMetadata().getResourceVersion()))
                .spec(new V1LeaseSpec().holderIdentity(null).leaseDurationSeconds(1)
                        .renewTime(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS))
                        .acquireTime(spec.getAcquireTime()).leaseTransitions(transitions(spec)));
        try {
            observed = coordination.replaceNamespacedLease(name, namespace.get(), released).execute();
            publish();
            log.info("Released lease {} held by {}", name, identity);
        } catch (ApiException e) {
            log.warn("Releasing lease {} failed (HTTP {}); it expires on its own", name, e.getCode());
        }
    }

    private static int transitions(V1LeaseSpec spec) {
        return spec == null || spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions();
    }

    private static int seconds(Duration duration) {
        return (int) Math.max(1, (duration.toMillis() + 999) / 1000);
    }
}
