package io.jsorc.action;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to load one action module.
 *
 * @param module     the module class name (annotated {@link ActionModule})
 * @param jar        an optional jar path: the module then loads in a class loader of its own, which unloading closes
 * @param localMemMb the memory the module needs in-process, in MB (for placement policies)
 * @param remote     the remote side: {@code image}, {@code command}, {@code manifest} (a template; see the kube launcher),
 *                   {@code connect_timeout_ms} (2000), {@code timeout_ms} (30000, per call), {@code on_failure}
 *                   ({@code restart} or {@code local})
 */
public record ActionConfig(String module, String jar, long localMemMb, Map<String, Object> remote) {

    /** Validates and copies. */
    public ActionConfig {
        if (module == null || module.isBlank()) {
            throw new IllegalArgumentException("An action config needs 'module' (the module class name)");
        }
        if (localMemMb < 0) {
            throw new IllegalArgumentException("local_mem_mb must be >= 0, is " + localMemMb);
        }
        remote = remote == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(remote));
    }

    /**
     * Makes the config of a module class on the classpath, loaded in this JVM's class loader.
     *
     * @param module the module class
     * @return a config for a module on this classpath
     */
    public static ActionConfig of(Class<?> module) {
        return new ActionConfig(module.getName(), null, 0, Map.of());
    }

    /**
     * Reads a module config from its stored form, as {@code ACTION_CONFIGS} and config resources hold it.
     *
     * @param map the stored form ({@code module}, {@code jar}, {@code local_mem_mb}, {@code remote})
     * @return the config
     * @throws IllegalArgumentException naming what is wrong
     */
    @SuppressWarnings("unchecked")
    public static ActionConfig fromMap(Map<String, Object> map) {
        Object memory = map.getOrDefault("local_mem_mb", 0);
        if (!(memory instanceof Number)) {
            throw new IllegalArgumentException("local_mem_mb must be a number, is " + memory);
        }
        Object remote = map.getOrDefault("remote", Map.of());
        if (!(remote instanceof Map)) {
            throw new IllegalArgumentException("remote must be an object, is " + remote);
        }
        return new ActionConfig((String) map.get("module"), (String) map.get("jar"), ((Number) memory).longValue(),
                (Map<String, Object>) remote);
    }
}
