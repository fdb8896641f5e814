package io.jsorc.cluster;

import io.jsorc.ComponentContext;
import io.jsorc.config.ConfigStore;
import io.jsorc.config.Hook;
import io.jsorc.metrics.MetricsEvents;

/**
 * What a {@link ManifestApplier} gets for one apply: which manifest it applies, the services (the kube service
 * above all), the config store with its backend, and where it reports what it did.
 */
public interface ApplyContext {

    /**
     * Returns the service whose manifest is applied.
     *
     * @return the service name, or {@code null} for free-standing resources ({@code loadYaml})
     */
    String service();

    /**
     * Returns the config key the manifest is stored under.
     *
     * @return the manifest key, or {@code null} for free-standing resources
     */
    String manifestKey();

    /**
     * Returns the orchestrator's components, to reach the service that talks to the cluster.
     *
     * @return the component context
     */
    ComponentContext components();

    /**
     * Returns the orchestrator's config store.
     *
     * @return the config store
     */
    ConfigStore configStore();

    /**
     * Returns the config store's backend, where an applier keeps what it needs between applies.
     *
     * @return the backend the orchestrator resolved
     */
    default Hook hook() {
        return configStore().hook();
    }

    /**
     * Returns where appliers report what they did (metrics and log shipping listen).
     *
     * @return the orchestrator's event sink
     */
    MetricsEvents events();

    /**
     * Asked right before each write to the cluster (create, update, delete): whether this replica still holds the
     * leader lease ({@link Leadership#confirm()}). An applier that gets {@code false} writes nothing more and reports
     * what it skipped.
     *
     * @return whether the write may go ahead (always {@code true} without leader election)
     */
    default boolean mayWrite() {
        return true;
    }
}
