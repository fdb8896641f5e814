package io.jsorc.regen;

import io.jsorc.CommonService;
import io.jsorc.cluster.ApplyContext;
import io.jsorc.manifest.Manifest;

import java.util.Map;
import java.util.Set;

/** The services a regeneration loop keeps alive, as the loop sees them; the orchestrator's service table. */
public interface RegenerationTarget {

    /** {@return the names of services that have a built instance} */
    Set<String> builtServices();

    /**
     * Returns a service's built instance, without building one.
     *
     * @param service a service name
     * @return its built instance, or {@code null}
     */
    CommonService<?> current(String service);

    /**
     * Discards the instance and builds and starts a fresh one from the current config.
     *
     * @param service a service name
     * @return the fresh instance
     */
    CommonService<?> refresh(String service);

    /**
     * Reads a service's manifest from the config store.
     *
     * @param service a service name
     * @return its manifest as currently stored
     */
    Manifest manifest(String service);

    /** {@return the {@code JSORC_CONFIG} object} */
    Map<String, Object> jsorcConfig();

    /**
     * Returns what a manifest applier gets when it applies this service's manifest.
     *
     * @param service a service name
     * @return the apply context
     */
    ApplyContext applyContext(String service);
}
