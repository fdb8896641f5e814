package io.jsorc.cluster;

import java.util.Optional;

/**
 * One replica's running campaign for the leader lease, as a {@link LeaderElection} backend started it: it acquires
 * the lease when it is free or expired, renews it while held, and releases it on {@link #close()}.
 */
public interface LeaderLease extends AutoCloseable {

    /**
     * Says whether this replica holds the lease now, by its own clock: it renewed (or acquired) the lease less
     * than the renew deadline ago. Cheap; no remote call.
     *
     * @return whether this replica leads
     */
    boolean isLeader();

    /**
     * Asked right before a write to the cluster: whether this replica still holds the lease. Stricter than
     * {@link #isLeader()}: a backend may re-read the lease or check its fencing counter. A replica that was paused
     * past its lease answers {@code false} on waking, before anything else runs.
     *
     * @return whether the write may go ahead
     */
    boolean confirm();

    /**
     * Returns the fencing token of the current term: it grows with every change of holder, so a write stamped with
     * an older token can be told apart.
     *
     * @return the token while leading, else 0
     */
    long fencingToken();

    /** {@return this replica's holder identity} */
    String identity();

    /** {@return the holder this replica last saw, if any} */
    Optional<String> observedHolder();

    /** Stops campaigning and releases the lease when held, so another replica can take over at once. */
    @Override
    void close();
}
