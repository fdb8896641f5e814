package io.jsorc.config;

import java.util.Optional;
import java.util.Set;

/**
 * The backend of the config store: where configuration ("globs", JSON documents under a key) is kept. The winning
 * {@code @Repository(name = "hook")} is resolved once per orchestrator: {@link MemoryHook} by default, a Redis or
 * database hook of higher priority overrides it.
 *
 * <p>Implementations must be thread-safe. Values are JSON text; the hook does not interpret them.
 */
public interface Hook {

    /**
     * Reads a stored glob.
     *
     * @param key the glob key
     * @return the stored JSON, if any
     */
    Optional<String> getGlob(String key);

    /**
     * Stores (replaces) a glob.
     *
     * @param key  the glob key
     * @param json the JSON text
     */
    void setGlob(String key, String json);

    /**
     * Returns the stored JSON, storing {@code defaultJson} first when there is none (atomically per key).
     *
     * @param key         the glob key
     * @param defaultJson what to store when nothing is stored
     * @return the stored JSON
     */
    String getOrCreateGlob(String key, String defaultJson);

    /**
     * Removes a glob; nothing happens when none is stored.
     *
     * @param key the glob key
     */
    void deleteGlob(String key);

    /** {@return the keys that hold a glob} */
    Set<String> globKeys();

    /** Flushes buffered writes to the backing store, where the hook buffers; a no-op otherwise. */
    void commit();

    /**
     * Describes where this backend keeps config, for the line an orchestrator logs when it resolves its store. Never
     * includes a secret.
     *
     * @return e.g. {@code "in memory"} or {@code "Redis at host:6379 db 1"}
     */
    default String describe() {
        return getClass().getSimpleName();
    }

    /**
     * Tells whether other orchestrators (the host's other replicas) read and write the same store, so that what one
     * replica writes, another reads: what replicas that elect a leader need to share action servers and placements.
     *
     * @return {@code true} for a shared backend (Redis); the default, for a private one, is {@code false}
     */
    default boolean isShared() {
        return false;
    }

    /**
     * Asks to be told of keys that changed outside this orchestrator (another replica wrote them). A backend that
     * nobody else writes keeps the default, which never calls back.
     *
     * @param listener told the key that changed, on the backend's thread; must be quick and not throw
     */
    default void addChangeListener(java.util.function.Consumer<String> listener) {
    }

    /**
     * Stores (replaces) a glob with the given durability. The default suits a backend that stores at once: it calls
     * {@link #setGlob(String, String)}.
     *
     * @param key        the glob key
     * @param json       the JSON text
     * @param durability {@link Durability#REQUIRED}: return only once the backend stored it, else throw
     * @throws IllegalStateException when {@code REQUIRED} and the backend could not store it; nothing is pending then
     */
    default void setGlob(String key, String json, Durability durability) {
        setGlob(key, json);
    }

    /**
     * Removes a glob with the given durability. The default suits a backend that stores at once: it calls
     * {@link #deleteGlob(String)}.
     *
     * @param key        the glob key
     * @param durability {@link Durability#REQUIRED}: return only once the backend removed it, else throw
     * @throws IllegalStateException when {@code REQUIRED} and the backend could not remove it; nothing is pending then
     */
    default void deleteGlob(String key, Durability durability) {
        deleteGlob(key);
    }

    /**
     * Replaces a glob with what {@code change} makes of the current one, atomically against other writers of the
     * same backend where the backend can (a shared backend retries on a concurrent change). The default reads and
     * writes; callers serialise it within one orchestrator.
     *
     * @param key        the glob key
     * @param change     current JSON (never {@code null}: the caller stored a default first) to the new JSON; may
     *                   throw to abort, nothing is stored then
     * @param durability as for {@link #setGlob(String, String, Durability)}
     * @return the JSON stored
     */
    default String updateGlob(String key, java.util.function.UnaryOperator<String> change, Durability durability) {
        String next = change.apply(getGlob(key).orElseThrow(() -> new java.util.NoSuchElementException(key)));
        setGlob(key, next, durability);
        return next;
    }

    /**
     * Changes a glob that holds a JSON object, atomically as {@link #updateGlob} is: stores {@code {}} first when
     * the key has no value, hands {@code change} a mutable copy of the object, and stores what it made of it.
     *
     * @param key        the glob key
     * @param change     edits the object in place; may throw to abort, nothing is stored then
     * @param durability as for {@link #setGlob(String, String, Durability)}
     * @throws IllegalArgumentException when the stored value is not a JSON object
     */
    default void updateObject(String key, java.util.function.Consumer<java.util.Map<String, Object>> change,
                              Durability durability) {
        getOrCreateGlob(key, "{}");
        updateGlob(key, json -> {
            java.util.Map<String, Object> object = new java.util.LinkedHashMap<>(
                    io.jsorc.base.Json.parseObject(json, key));
            change.accept(object);
            return io.jsorc.base.Json.write(object);
        }, durability);
    }

    /** {@return how many writes this backend holds that have not reached its backing store yet (a metric)} */
    default int pendingCount() {
        return 0;
    }
}
