package io.jsorc.cluster;

/**
 * A way to elect the one replica that writes to the cluster, found with {@link java.util.ServiceLoader}:
 * {@code jsorc-kube} provides {@code kube} (a Kubernetes Lease), {@code jsorc-services} provides {@code redis} (a
 * Redis lease). The core depends on neither; {@link Leadership} picks the backend {@code JSORC_CONFIG.leader_election}
 * names, or in {@code auto} mode the first available one by {@link #priority()}.
 */
public interface LeaderElection {

    /** {@return the mode this backend serves: {@code kube} or {@code redis}} */
    String mode();

    /** {@return where {@code auto} mode tries this backend: lower first} */
    default int priority() {
        return 100;
    }

    /**
     * Says whether this backend can elect for this orchestrator ({@code auto} mode asks; an explicit mode uses the
     * backend anyway and fails at start when it cannot). Must not build services or call remote systems.
     *
     * @param context the components and settings
     * @return whether this backend applies here (the kube service is enabled, the config store is the Redis hook)
     */
    boolean available(ElectionContext context);

    /**
     * Starts campaigning: tries to acquire the lease once before returning (a lone replica leads at once), then
     * keeps acquiring or renewing on a daemon thread of its own until the lease is closed.
     *
     * @param context the components, the settings and where leadership changes go
     * @return the running campaign
     * @throws IllegalStateException when this backend cannot run here (the mode named it explicitly)
     */
    LeaderLease campaign(ElectionContext context);
}
