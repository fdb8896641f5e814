package io.jsorc.kube;

import io.jsorc.base.Json;
import io.jsorc.config.Hook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resources each manifest key applied last, as earlier JsOrc versions kept them in the config backend under
 * {@value ResourceSync#HISTORY_KEY} (newest first, {@value ResourceSync#HISTORY_DEPTH} deep). Pruning now follows the
 * cluster's own labels ({@link ApplySet}); this history is only read to migrate: the resources it lists for a key are
 * pruned candidates once, then the key is dropped from it.
 */
final class ApplyHistory {

    private final Hook hook;

    ApplyHistory(Hook hook) {
        this.hook = hook;
    }

    List<ResourceRef> previous(String key) {
        List<ResourceRef> refs = new ArrayList<>();
        Object entries = history().get(key);
        if (entries instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> newest
                && newest.get("resources") instanceof List<?> resourceList) {
            for (Object resource : resourceList) {
                if (resource instanceof Map<?, ?> r) {
                    refs.add(new ResourceRef(String.valueOf(r.get("apiVersion")), String.valueOf(r.get("kind")),
                            r.get("namespace") == null ? null : String.valueOf(r.get("namespace")),
                            String.valueOf(r.get("name"))));
                }
            }
        }
        return refs;
    }

    /**
     * Drops a key from the history once its resources were adopted by the key's ApplySet (the history is read once
     * more, never again for that key). No write when the key has no entry.
     */
    void forget(String key) {
        if (!history().containsKey(key)) {
            return;
        }
        hook.updateGlob(ResourceSync.HISTORY_KEY, current -> {
            Map<String, Object> history = new LinkedHashMap<>(parse(current));
            history.remove(key);
            return Json.write(history);
        }, io.jsorc.config.Durability.BEST_EFFORT);
        hook.commit();
    }

    /**
     * The stored history; a corrupt one is reported once at ERROR and read as empty (nothing is pruned from it, and
     * the next apply writes a sound one), instead of failing every apply after its resources were applied.
     */
    private Map<String, Object> history() {
        return parse(hook.getGlob(ResourceSync.HISTORY_KEY).orElse(null));
    }

    private static Map<String, Object> parse(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return Json.parseObject(json, ResourceSync.HISTORY_KEY);
        } catch (IllegalArgumentException corrupt) {
            if (REPORTED.size() > 100) {
                REPORTED.clear(); // bounded: reporting one again now and then is fine
            }
            if (REPORTED.add(json.hashCode())) {
                org.slf4j.LoggerFactory.getLogger(ApplyHistory.class).error("Stored {} does not parse ({}); read as "
                        + "empty: resources it listed are not adopted or pruned (configDelete {} removes it)", ResourceSync.HISTORY_KEY, corrupt.getMessage(), ResourceSync.HISTORY_KEY);
            }
            return Map.of();
        }
    }

    /** Hashes of corrupt histories already reported. */
    private static final java.util.Set<Integer> REPORTED = java.util.concurrent.ConcurrentHashMap.newKeySet();
}
