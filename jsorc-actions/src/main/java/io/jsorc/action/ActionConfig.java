package io.jsorc.action;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to load one action module.
 *
 * <p>The {@code remote} keys (all optional):
 * <ul>
 *   <li>{@code image}, {@code command}, {@code manifest}: how the kube launcher deploys it (see
 *       {@code KubeActionLauncher});</li>
 *   <li>{@code connect_timeout_ms} (2000): connecting to the server, and the {@code GET /healthz} probe after a call
 *       timed out;</li>
 *   <li>{@code timeout_ms} (30000): the call timeout. A call past it throws
 *       {@link io.jsorc.action.remote.RemoteCallTimeoutException} naming the module and the action and does not
 *       restart the server, unless {@code /healthz} does not answer either;</li>
 *   <li>{@code on_failure} ({@code restart} or {@code local}): what a server that stopped answering (a refused
 *       connection, another I/O failure, a failed {@code /healthz}) is replaced by;</li>
 *   <li>{@code restart_budget} (3) restarts within {@code restart_window_ms} (300000), each after a backoff from
 *       {@code restart_backoff_ms} (500) doubling up to {@code restart_backoff_max_ms} (30000): once the budget is
 *       spent, calls stay on the local copy if one is loaded, else the module is FAILED with the reason in its
 *       status ({@code remoteStatus} FAILED, {@code detail}); a new {@code load(REMOTE)} starts it anew;</li>
 *   <li>{@code drain_timeout_ms} (30000): how long unloading waits for calls in flight;</li>
 *   <li>{@code keep_logs} (false): keep a child JVM's log after it is retired;</li>
 *   <li>{@code max_log_bytes} (1048576, from 4096 to 1073741824): a child JVM's log is {@code server.log}, and once
 *       that reaches this size it becomes {@code server.log.1} (replacing the one before) and a new
 *       {@code server.log} begins: a server that runs for weeks, and a module that prints at every call, keep at most
 *       twice this on disk.</li>
 * </ul>
 *
 * <p>The top-level lists {@code allowed_packages} and {@code allowed_jar_dirs} of {@code ACTION_CONFIGS} (not of a
 * module entry) restrict where every module's code may come from: a class outside the packages (and their
 * subpackages), or a {@code jar} outside the directories, is refused before anything is loaded or launched.
 *
 * @param module     the module class name (annotated {@link ActionModule})
 * @param jar        an optional jar path: the module then loads in a class loader of its own, which unloading closes
 * @param localMemMb the memory the module needs in-process, in MB (for placement policies)
 * @param remote     the remote side: the keys above
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
        remote = remote == null ? Map.of() : checked(module, remote);
    }

    /** The longest of the {@code remote} timeouts, a day: a bigger number is a mistake (seconds given as ms...). */
    private static final long MAX_TIMEOUT_MS = 86_400_000L;
    /** Default size of a child JVM's log before it is rolled over ({@code remote.max_log_bytes}): 1 MiB. */
    public static final long DEFAULT_MAX_LOG_BYTES = 1L << 20;
    private static final long MIN_LOG_BYTES = 4096;
    private static final long MAX_LOG_BYTES = 1L << 30;

    /**
     * Checks the {@code remote} keys this module reads, so a bad value is refused when the config is made, before
     * anything is loaded or a child JVM launched, naming the key and what it allows; other keys (the kube
     * launcher's) pass.
     */
    private static Map<String, Object> checked(String module, Map<String, Object> remote) {
        for (Map.Entry<String, Object> entry : remote.entrySet()) {
            if (entry.getValue() == null) {
                throw new IllegalArgumentException("remote." + entry.getKey() + " of action module " + module
                        + " is null; leave it out for its default");
            }
        }
        for (String timeout : new String[]{"timeout_ms", "connect_timeout_ms", "drain_timeout_ms"}) {
            RestartBudget.number(module, remote, timeout, 1, 1, MAX_TIMEOUT_MS);
        }
        RestartBudget.of(module, remote);
        RestartBudget.number(module, remote, "max_log_bytes", DEFAULT_MAX_LOG_BYTES, MIN_LOG_BYTES, MAX_LOG_BYTES);
        Object onFailure = remote.get("on_failure");
        if (onFailure != null && !onFailure.equals("restart") && !onFailure.equals("local")) {
            throw new IllegalArgumentException("remote.on_failure of action module " + module + " is '" + onFailure
                    + "'; allowed: restart (the default) or local");
        }
        Object keepLogs = remote.get("keep_logs");
        if (keepLogs != null && !(keepLogs instanceof Boolean)) {
            throw new IllegalArgumentException("remote.keep_logs of action module " + module + " is " + keepLogs
                    + "; allowed: true or false");
        }
        return Map.copyOf(new LinkedHashMap<>(remote));
    }

    /**
     * Returns how large a child JVM's log grows before it is rolled over ({@code remote.max_log_bytes}).
     *
     * @return the size in bytes, {@link #DEFAULT_MAX_LOG_BYTES} when the config sets none
     */
    public long maxLogBytes() {
        return RestartBudget.number(module, remote, "max_log_bytes", DEFAULT_MAX_LOG_BYTES, MIN_LOG_BYTES,
                MAX_LOG_BYTES);
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
        for (String text : new String[]{"module", "jar"}) {
            Object value = map.get(text);
            if (value != null && !(value instanceof String)) {
                throw new IllegalArgumentException(text + " must be a string (" + (text.equals("module")
                        ? "the module class name" : "a jar path") + "), is " + value);
            }
        }
        return new ActionConfig((String) map.get("module"), (String) map.get("jar"), ((Number) memory).longValue(),
                (Map<String, Object>) remote);
    }

    /**
     * {@return the config, with the {@code remote} values whose names hold a secret word masked and every value of
     * {@code remote.env} too (the child's environment is where its credentials go)}
     */
    @Override
    public String toString() {
        Map<String, Object> shown = new java.util.LinkedHashMap<>(io.jsorc.base.Secrets.mask(remote));
        Object env = remote.get("env");
        if (env != null) {
            shown.put("env", env instanceof Map<?, ?> map ? map.keySet().stream().map(String::valueOf)
                    .filter(name -> name.matches("[A-Za-z_][A-Za-z0-9_]*")).sorted().map(name -> name + "=****")
                    .toList() : "****");
        }
        return "ActionConfig[module=" + module + ", jar=" + jar + ", localMemMb=" + localMemMb + ", remote=" + shown
                + "]";
    }
}
