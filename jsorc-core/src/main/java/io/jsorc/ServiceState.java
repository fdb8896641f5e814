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
    RESTART
}
