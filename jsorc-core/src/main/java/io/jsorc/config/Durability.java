package io.jsorc.config;

/**
 * How sure a config write must be to return normally.
 */
public enum Durability {
    /**
     * The value is stored in this orchestrator at once; a backend that cannot take it now keeps it pending and writes it
     * later (unless a newer value was stored meanwhile). The default.
     */
    BEST_EFFORT,
    /**
     * The write returns only once the backend stored it; it waits a few seconds for the backend, then throws
     * {@link IllegalStateException} naming the key, and nothing is left pending.
     */
    REQUIRED
}
