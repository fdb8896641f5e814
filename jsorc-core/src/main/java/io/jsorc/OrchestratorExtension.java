package io.jsorc;

/**
 * SPI (found with {@link java.util.ServiceLoader}, or given to {@link Orchestrator.Builder#extension}): a module's
 * hook into the orchestrator's start, run before any pre-loaded service is built (the kube module's database
 * regeneration uses it). Must not block for long; start work on a {@code jsorc-*} daemon and stop it in
 * {@link #close(Orchestrator)}.
 */
public interface OrchestratorExtension {

    /**
     * Called by {@link Orchestrator#start()} before the pre-loaded services.
     *
     * @param orchestrator the orchestrator being started
     * @throws Exception a failure aborts the start (the orchestrator is closed)
     */
    default void beforeStart(Orchestrator orchestrator) throws Exception {
    }

    /**
     * Called by {@link Orchestrator#close()} after the regeneration loop stopped.
     *
     * @param orchestrator the orchestrator being closed
     */
    default void close(Orchestrator orchestrator) {
    }
}
