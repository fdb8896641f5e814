package io.jsorc.kube;

/**
 * Told how database regeneration ended. A library must not restart the whole process once the database is back, so
 * the host decides what to do (reconnect its pools, restart itself, alert).
 */
public interface DatabaseRecoveredHandler {

    /**
     * The database answers again after its manifest was applied.
     *
     * @param event what happened
     */
    void recovered(DatabaseRegenerationEvent event);

    /**
     * The deadline passed (or the database cannot be regenerated: no kube service); the database still does not
     * answer. The default does nothing (the event is logged at ERROR either way).
     *
     * @param event what happened
     */
    default void gaveUp(DatabaseRegenerationEvent event) {
    }
}
