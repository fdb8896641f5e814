package io.jsorc;

/**
 * The lifecycle controls of one bound service instance, held by whoever bound it (the orchestrator's service table):
 * {@link CommonService#bind} hands it out exactly once, so nobody else can restart or discard an instance the
 * orchestrator owns.
 */
public interface ServiceControl {

    /** Queues the instance for regeneration: its state becomes {@code RESTART}. */
    void markRestart();

    /** Ends the instance: {@code onDelete} runs, its daemons stop and its app is dropped. Idempotent. */
    void discard();

    /**
     * Makes a freshly bound instance {@code FAILED} without running it (its config could not be read, say).
     *
     * @param cause why
     */
    void failBeforeStart(Throwable cause);
}
