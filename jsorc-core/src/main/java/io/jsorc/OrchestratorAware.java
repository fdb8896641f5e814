package io.jsorc;

/**
 * Implemented by a repository or context that needs the {@link Orchestrator} that built it (to share state per
 * orchestrator, or to look up services without the static facade). Called once, right after construction.
 */
public interface OrchestratorAware {

    /** @param orchestrator the orchestrator that built this instance */
    void attach(Orchestrator orchestrator);
}
