package io.jsorc.regen;

import io.jsorc.CommonService;
import io.jsorc.Manifest;
import io.jsorc.Orchestrator;

import java.util.Map;
import java.util.Set;

/** What the regeneration loop needs of its orchestrator. Implemented by the orchestrator, not by users. */
public interface RegenerationTarget {

    /** @return the names of services that have a built instance */
    Set<String> builtServices();

    /**
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
     * @param service a service name
     * @return its manifest as currently stored
     */
    Manifest manifest(String service);

    /** @return the {@code JSORC_CONFIG} object */
    Map<String, Object> jsorcConfig();

    /** @return the orchestrator, for manifest appliers */
    Orchestrator orchestrator();
}
