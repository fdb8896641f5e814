package io.jsorc.config;

import io.jsorc.ComponentContext;
import io.jsorc.OrchestratorAware;
import io.jsorc.Repository;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The default {@link Hook}: globs in memory, shared by every {@code MemoryHook} instance of one orchestrator (a new
 * instance is handed out per lookup, the data is the orchestrator's). Nothing survives the
 * orchestrator; use a persistent hook (Redis) for that.
 */
@Repository(name = "hook", priority = 0)
public class MemoryHook implements Hook, OrchestratorAware {

    private volatile ConcurrentMap<String, String> globs = new ConcurrentHashMap<>();

    /** A hook with its own private storage until it is attached to an orchestrator. */
    public MemoryHook() {
    }

    @Override
    public void attach(ComponentContext context) {
        this.globs = context.shared(MemoryHook.class, ConcurrentHashMap::new);
    }

    @Override
    public Optional<String> getGlob(String key) {
        return Optional.ofNullable(globs.get(key));
    }

    @Override
    public void setGlob(String key, String json) {
        globs.put(key, json);
    }

    @Override
    public String getOrCreateGlob(String key, String defaultJson) {
        String previous = globs.putIfAbsent(key, defaultJson);
        return previous != null ? previous : defaultJson;
    }

    @Override
    public void deleteGlob(String key) {
        globs.remove(key);
    }

    @Override
    public Set<String> globKeys() {
        return new TreeSet<>(globs.keySet());
    }

    /** Atomic per key: the change runs inside the map's compute, so concurrent updates of one key never lose one. */
    @Override
    public String updateGlob(String key, java.util.function.UnaryOperator<String> change, Durability durability) {
        return globs.compute(key, (k, current) -> {
            if (current == null) {
                throw new java.util.NoSuchElementException(key);
            }
            return change.apply(current);
        });
    }

    @Override
    public String describe() {
        return "in memory (MemoryHook: config lives and dies with this orchestrator)";
    }

    @Override
    public void commit() {
        // Nothing is buffered.
    }
}
