package io.jsorc.kube;

import io.jsorc.base.Json;
import io.jsorc.config.Hook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The resources each manifest key applied last, kept in the config backend under
 * {@value ResourceSync#HISTORY_KEY} (newest first, {@value ResourceSync#HISTORY_DEPTH} deep), so that a resource gone
 * from the manifest can be pruned.
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
     * Records what an apply of {@code key} left in the cluster. The history glob is read, changed and written back
     * as one compare-and-set of the config backend ({@link Hook#updateGlob}), so replicas applying different keys at
     * once do not lose each other's entries (a JVM lock protected nothing across replicas). The replicas issue
     * replaces this history by label-based pruning.
     */
    void remember(String key, Set<ResourceRef> applied) {
        Map<String, Object> newest = new LinkedHashMap<>();
        newest.put("ts", Instant.now().toString());
        List<Map<String, Object>> resourceList = new ArrayList<>();
        for (ResourceRef ref : applied) {
            Map<String, Object> resource = new LinkedHashMap<>();
            resource.put("apiVersion", ref.apiVersion());
            resource.put("kind", ref.kind());
            resource.put("namespace", ref.namespace());
            resource.put("name", ref.name());
            resourceList.add(resource);
        }
        newest.put("resources", resourceList);
        hook.getOrCreateGlob(ResourceSync.HISTORY_KEY, "{}");
        hook.updateGlob(ResourceSync.HISTORY_KEY, current -> {
            Map<String, Object> history = new LinkedHashMap<>(parse(current));
            List<Object> entries = new ArrayList<>();
            entries.add(newest);
            if (history.get(key) instanceof List<?> older) {
                older.stream().limit(ResourceSync.HISTORY_DEPTH - 1L).forEach(entries::add);
            }
            history.put(key, entries);
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
                        + "empty: resources it listed are not pruned, and the next apply rewrites it (configDelete "
                        + "{} repairs it too)", ResourceSync.HISTORY_KEY, corrupt.getMessage(), ResourceSync.HISTORY_KEY);
            }
            return Map.of();
        }
    }

    /** Hashes of corrupt histories already reported. */
    private static final java.util.Set<Integer> REPORTED = java.util.concurrent.ConcurrentHashMap.newKeySet();
}
