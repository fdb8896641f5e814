package io.jsorc.admin.jmx;

import java.util.Map;

/**
 * An orchestrator as JMX sees it: its service states, and the refresh, regeneration and benchmark operations.
 * Registered as {@code io.jsorc:type=Orchestrator,name=<id>}.
 */
public interface OrchestratorMXBean {

    /** {@return the orchestrator's identifier in this JVM ({@code jsorc-1}, ...)} */
    String getId();

    /** {@return whether the orchestrator is started and its regeneration loop alive} */
    boolean isRegenerationAlive();

    /** {@return the state of every built service, by name} */
    Map<String, String> getServiceStates();

    /**
     * Refreshes a service: discards its instance and builds a fresh one.
     *
     * @param service the service name
     * @return the fresh instance's state
     */
    String refresh(String service);

    /**
     * Runs one regeneration cycle now.
     *
     * @return what the cycle did, per service
     */
    String regenerate();

    /**
     * Reports the request benchmark of the action manager.
     *
     * @return the report as JSON ({@code {}} when it is not running)
     */
    String benchmarkReport();
}
