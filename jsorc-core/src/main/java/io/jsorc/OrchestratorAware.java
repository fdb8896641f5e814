package io.jsorc;

/**
 * Implemented by a repository or context that needs the orchestrator that built it, to share state per
 * orchestrator or to look up services without the static facade. It receives the narrow {@link ComponentContext},
 * once, right after construction.
 */
public interface OrchestratorAware {

    /**
     * Hands the component its context.
     *
     * @param context what the component may ask of the orchestrator that built it
     */
    void attach(ComponentContext context);
}
