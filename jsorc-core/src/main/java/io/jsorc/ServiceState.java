package io.jsorc;

/**
 * The lifecycle states of a {@link CommonService}.
 *
 * <pre>
 * NOT_STARTED -> STARTED -> RUNNING
 *                        \-> FAILED
 *               RUNNING  --> FAILED   (postRun threw, or marked failed)
 * any state    -> RESTART            (queued for regeneration)
 * </pre>
 */
public enum ServiceState {
    /** Built, not started (yet): a disabled service stays here. */
    NOT_STARTED,
    /** {@code run()} is in progress. */
    STARTED,
    /** {@code run()} returned an app and {@code postRun()} was entered. */
    RUNNING,
    /** {@code run()} or {@code postRun()} threw; see {@link CommonService#error()}. */
    FAILED,
    /** Queued for regeneration: the next cycle rebuilds it. */
    RESTART;

    /**
     * Tells whether a service may go from this state to another; every other transition is an
     * {@link IllegalStateException}.
     *
     * @param to the state asked for
     * @return whether the transition is allowed
     */
    public boolean canGoTo(ServiceState to) {
        return switch (this) {
            case NOT_STARTED -> to == STARTED || to == FAILED || to == RESTART;
            case STARTED -> to == RUNNING || to == FAILED || to == RESTART;
            case RUNNING -> to == FAILED || to == RESTART;
            case FAILED -> to == RESTART;
            case RESTART -> false;
        };
    }
}
