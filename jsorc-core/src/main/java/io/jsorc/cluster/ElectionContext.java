package io.jsorc.cluster;

import io.jsorc.ComponentContext;

/**
 * What a {@link LeaderElection} backend gets: the orchestrator's components (to reach the kube service or the config
 * store's backend), the settings, and where it reports a change of leadership.
 */
public interface ElectionContext {

    /** {@return the orchestrator's components} */
    ComponentContext components();

    /** {@return the election settings from {@code JSORC_CONFIG.leader_election}} */
    ElectionSettings settings();

    /**
     * Tells the orchestrator that this replica started or stopped leading (a new leader re-examines its services
     * at once). Must be called from the backend's own thread, never while holding a lock the orchestrator needs.
     *
     * @param leader whether this replica leads now
     */
    void leadershipChanged(boolean leader);
}
