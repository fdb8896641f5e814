package io.jsorc;

/**
 * A module's hook into an orchestrator's start and close (found with {@link java.util.ServiceLoader}, or given to
 * the orchestrator's builder): run before any pre-loaded service is built. The kube module's database regeneration
 * uses it. Must not block for long; start work on a {@code jsorc-*} daemon and stop it in {@link #close}.
 */
public interface OrchestratorExtension {

    /**
     * Runs when the orchestrator starts, before the pre-loaded services are built.
     *
     * @param context the orchestrator being started
     * @throws Exception a failure aborts the start (the orchestrator is closed)
     */
    default void beforeStart(ComponentContext context) throws Exception {
    }

    /**
     * Runs when the orchestrator closes, after the regeneration loop stopped.
     *
     * @param context the orchestrator being closed
     */
    default void close(ComponentContext context) {
    }
}
