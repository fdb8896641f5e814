package io.jsorc.kube;

import io.jsorc.ComponentContext;
import io.jsorc.action.ActionConfig;
import io.jsorc.base.Json;
import io.jsorc.cluster.Leadership;
import io.jsorc.config.Durability;
import io.jsorc.config.Hook;
import io.jsorc.lifecycle.FailureLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The Kubernetes action servers that the replicas of one host share, one per module: which replicas hold a module
 * (loaded, or parked for a fast reload) is kept in the config store entry {@value #KEY}
 * ({@code {module: {config: {...}, holders: {replica: heartbeat millis}}}}), so that the leader alone creates a
 * module's server once a replica holds it and retires it once none does. A replica refreshes its holdings every
 * {@link #HEARTBEAT}; one that stopped (killed, cut off) is dropped after {@link #STALE}.
 *
 * <p>The entry holds the module's config (no secret: {@code remote} holds images, commands and timeouts), never
 * the call token: that lives in the server's Secret, which followers read from the cluster. A replica refreshes its
 * holdings, and the leader {@link #reconcile reconciles}, on a daemon of the kube service
 * ({@code jsorc-kube-action-servers}), which ends with it.
 */
final class SharedActionServers {

    private static final Logger log = LoggerFactory.getLogger(SharedActionServers.class);

    /** The config store entry. */
    static final String KEY = "ACTION_SERVERS";
    /** How often a replica refreshes its holdings and the leader reconciles. */
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /**
     * A holding not refreshed for this long belongs to a replica that is gone (or whose kube service has been down
     * that long: the refresh runs on its daemon).
     */
    static final Duration STALE = Duration.ofSeconds(60);
    /** Bounds of the entry: modules, and holders per module. */
    static final int MAX_MODULES = 256;
    static final int MAX_HOLDERS = 256;

    private final ComponentContext context;
    /** The modules this replica holds, with the config it holds them with. */
    private final Map<String, ActionConfig> held = new ConcurrentHashMap<>();
    /** Leader only: the config each server was applied with in the current term. */
    private final Map<String, ActionConfig> applied = new ConcurrentHashMap<>();
    private final String fallbackIdentity = "replica-" + Long.toHexString(new java.security.SecureRandom().nextLong());
    /**
     * One lock per module a server was deployed for (bounded by the configured modules): the launch path and the
     * leader's pass must not deploy one module's server at once, or each, finding no Secret yet, makes its own token
     * and the replicas holding the loser's get 401 until a relaunch.
     */
    private final Map<String, Object> deployLocks = new ConcurrentHashMap<>();

    private SharedActionServers(ComponentContext context) {
        this.context = context;
    }

    /**
     * Returns the shared servers of an orchestrator.
     *
     * @param context the orchestrator's components
     * @return its one instance
     */
    static SharedActionServers of(ComponentContext context) {
        return context.shared(SharedActionServers.class, () -> new SharedActionServers(context));
    }

    /** {@return the lock a deploy of the module's server holds} */
    Object deployLock(String module) {
        return deployLocks.computeIfAbsent(module, m -> new Object());
    }

    /** {@return whether the replicas share servers now: an election runs} */
    boolean shared() {
        return !"none".equals(Leadership.of(context).mode());
    }

    /**
     * Checks that the holdings reach the other replicas.
     *
     * @param module the module about to be held
     * @throws KubeException when the config store is private to this replica: a follower could never tell the
     *                       leader that it holds the module
     */
    void requireSharedStore(String module) {
        if (!hook().isShared()) {
            throw new KubeException("Cannot share the action server of '" + module + "' with the other replicas: "
                    + "they elect a leader (" + Leadership.of(context).mode() + "), but the config store is private to "
                    + "this replica (" + hook().describe() + "); use a shared store (REDIS_CONFIG), where replicas "
                    + "record which of them hold a server, or leader_election: none for a single replica");
        }
    }

    /** {@return this replica's name in the entry} */
    String replica() {
        return Leadership.of(context).identity().orElse(fallbackIdentity);
    }

    /** The config store's backend (the orchestrator resolves it once). */
    private Hook hook() {
        return io.jsorc.config.ConfigStore.hookOf(context);
    }

    /**
     * Records that this replica holds a module, and starts the heartbeat daemon.
     *
     * @param module the module name
     * @param config its config
     * @throws IllegalStateException when the config store could not take it, or too many modules are shared
     */
    void hold(String module, ActionConfig config) {
        String me = replica();
        long now = System.currentTimeMillis();
        update(entries -> {
            if (!(entries.get(module) instanceof Map<?, ?>)) {
                entries.put(module, new LinkedHashMap<String, Object>());
            }
            Map<String, Object> entry = entry(entries, module);
            if (entries.size() > MAX_MODULES) {
                throw new IllegalStateException("Cannot share action module '" + module + "': " + KEY + " holds "
                        + MAX_MODULES + " modules already (at most " + MAX_MODULES + ")");
            }
            entry.put("config", stored(config));
            editHolders(entry, holders -> {
                if (!holders.containsKey(me) && holders.size() >= MAX_HOLDERS) {
                    throw new IllegalStateException("Cannot share action module '" + module + "': " + MAX_HOLDERS
                            + " replicas hold it already (at most " + MAX_HOLDERS + ")");
                }
                holders.put(me, now);
            });
        });
        held.put(module, config);
    }

    /**
     * Records that this replica no longer holds a module.
     *
     * @param module the module name
     * @return how many replicas still hold it (holdings not refreshed within {@link #STALE} do not count)
     */
    int release(String module) {
        held.remove(module);
        String me = replica();
        long[] live = new long[1];
        long cutoff = System.currentTimeMillis() - STALE.toMillis();
        update(entries -> {
            if (entries.get(module) instanceof Map<?, ?>) {
                Map<String, Object> entry = entry(entries, module);
                editHolders(entry, holders -> holders.remove(me));
                live[0] = liveHolders(entry, cutoff);
            }
        });
        return (int) live[0];
    }

    /** {@return the modules this replica holds} */
    Set<String> held() {
        return Set.copyOf(held.keySet());
    }

    /**
     * The leader's pass: servers held by some live replica are applied (once per config and term: applying is
     * idempotent, so a new leader re-applies and writes nothing that is in place), servers no live replica holds are
     * retired and leave the entry, and holdings of gone replicas are dropped. Followers only forget what they
     * applied while they led.
     *
     * @param servers applies and deletes a module's server in the cluster
     */
    void reconcile(ClusterSide servers) {
        Leadership leadership = Leadership.of(context);
        if (!leadership.isLeader()) {
            applied.clear();
            return;
        }
        long cutoff = System.currentTimeMillis() - STALE.toMillis();
        Map<String, Map<String, Object>> entries = read();
        for (Map.Entry<String, Map<String, Object>> e : entries.entrySet()) {
            String module = e.getKey();
            Map<String, Object> entry = e.getValue();
            boolean live = liveHolders(entry, cutoff) > 0;
            try {
                ActionConfig config = live ? ActionConfig.fromMap(section(entry, "config")) : null;
                if (live && config.equals(applied.get(module))) {
                    continue; // in place: nothing to write, so no lease check either
                }
                if (!leadership.confirm()) {
                    return;
                }
                if (live) {
                    servers.deploy(module, config);
                    applied.put(module, config);
                } else {
                    servers.delete(module);
                    forgetIfUnheld(module);
                }
            } catch (RuntimeException failure) {
                log.warn("Shared action server '{}' could not be {}: {}", module, live ? "applied" : "retired",
                        failure.getMessage());
            }
        }
        if (entries.values().stream()
                .anyMatch(entry -> liveHolders(entry, cutoff) < section(entry, "holders").size())) {
            dropStaleHolders(cutoff);
        }
    }

    /** Deletes the module's entry when still no live replica holds it (one may have loaded it meanwhile). */
    void forgetIfUnheld(String module) {
        long cutoff = System.currentTimeMillis() - STALE.toMillis();
        update(entries -> {
            if (entries.get(module) instanceof Map<?, ?> entry && liveHolders(entry, cutoff) == 0) {
                entries.remove(module);
            }
        });
        applied.remove(module);
    }

    /** Marks a module's server as applied by this leader with a config (the launch path applied it itself). */
    void applied(String module, ActionConfig config) {
        // As reconcile will read it back from the entry: numbers in remote come back from JSON.
        applied.put(module, ActionConfig.fromMap(Json.parseObject(Json.write(stored(config)), KEY)));
    }

    private void dropStaleHolders(long cutoff) {
        update(entries -> entries.forEach((module, value) -> {
            if (value instanceof Map<?, ?>) {
                editHolders(entry(entries, module), holders -> holders.values().removeIf(ts -> stamp(ts) < cutoff));
            }
        }));
    }

    private void heartbeat() {
        Set<String> mine = held();
        if (mine.isEmpty()) {
            return;
        }
        String me = replica();
        long now = System.currentTimeMillis();
        update(entries -> {
            for (String module : mine) {
                if (entries.get(module) instanceof Map<?, ?>) {
                    editHolders(entry(entries, module), holders -> holders.put(me, now));
                } else { // retired by a leader that thought us gone: hold it again
                    ActionConfig config = held.get(module);
                    if (config != null) {
                        Map<String, Object> entry = new LinkedHashMap<>();
                        entry.put("config", stored(config));
                        entry.put("holders", new LinkedHashMap<>(Map.of(me, now)));
                        entries.put(module, entry);
                    }
                }
            }
        });
    }

    /**
     * The kube service's daemon ({@code jsorc-kube-action-servers}): every {@link #HEARTBEAT} it refreshes this
     * replica's holdings and, while replicas share servers, lets the leader reconcile; until interrupted (the kube
     * service stopped or the orchestrator closed).
     *
     * @param side the leader's writes through the running kube service
     */
    void runUntilInterrupted(ClusterSide side) {
        every("Refreshing the shared action servers", () -> {
            heartbeat();
            if (shared()) {
                reconcile(side);
            }
        });
    }

    /**
     * Runs a step every {@link #HEARTBEAT} until interrupted or the orchestrator closes. A failing step is logged at
     * WARN the first time, at DEBUG while it keeps failing (the config store or the cluster is away), and its
     * recovery at INFO.
     */
    private void every(String what, Runnable step) {
        FailureLog failures = new FailureLog();
        while (!context.isClosed() && !Thread.currentThread().isInterrupted()) {
            try {
                step.run();
                if (failures.recovered(what)) {
                    log.info("{} works again", what);
                }
            } catch (RuntimeException e) {
                failures.log(log, what, e.getMessage() + " (retried every " + HEARTBEAT.toMillis() + " ms)");
            }
            try {
                Thread.sleep(HEARTBEAT.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Applies and deletes a module's server in the cluster (the leader's writes). */
    interface ClusterSide {

        /**
         * Applies the module's server, keeping the call token of its Secret when there is one.
         *
         * @param module the module name
         * @param config its config
         */
        void deploy(String module, ActionConfig config);

        /**
         * Deletes everything the module's server was applied with.
         *
         * @param module the module name
         */
        void delete(String module);
    }

    /** Reads the entry: module to {@code {config, holders}}. */
    Map<String, Map<String, Object>> read() {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        hook().getGlob(KEY).ifPresent(json -> Json.parseObject(json, KEY).forEach((module, value) -> {
            if (value instanceof Map<?, ?>) {
                @SuppressWarnings("unchecked")
                Map<String, Object> entry = (Map<String, Object>) value;
                out.put(module, entry);
            }
        }));
        return out;
    }

    private void update(Consumer<Map<String, Object>> change) {
        hook().updateObject(KEY, change, Durability.REQUIRED);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> entry(Map<String, Object> entries, String module) {
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) entries.get(module));
        entries.put(module, copy);
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> entry, String name) {
        return entry.get(name) instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static Map<String, Object> holders(Map<String, Object> entry) {
        return new LinkedHashMap<>(section(entry, "holders"));
    }

    /** Changes a copy of an entry's holders (replica -> heartbeat ms) and stores it back into the entry. */
    private static void editHolders(Map<String, Object> entry, Consumer<Map<String, Object>> change) {
        Map<String, Object> holders = holders(entry);
        change.accept(holders);
        entry.put("holders", holders);
    }

    /** {@return how many of an entry's holders refreshed their holding at or after {@code cutoff}} */
    private static long liveHolders(Map<?, ?> entry, long cutoff) {
        return entry.get("holders") instanceof Map<?, ?> holders
                ? holders.values().stream().filter(ts -> stamp(ts) >= cutoff).count() : 0;
    }

    /** A heartbeat as stored: milliseconds, 0 when unreadable. */
    private static long stamp(Object value) {
        return Documents.number(value, 0);
    }


    /** The stored form of a config, as {@code ACTION_CONFIGS} holds it. */
    static Map<String, Object> stored(ActionConfig config) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("module", config.module());
        if (config.jar() != null) {
            out.put("jar", config.jar());
        }
        out.put("local_mem_mb", config.localMemMb());
        out.put("remote", config.remote());
        return out;
    }

    /** {@return a one-line account of the holders of each module, for logs: no config, no token} */
    String describe() {
        Map<String, List<String>> out = new TreeMap<>();
        read().forEach((module, entry) -> out.put(module, List.copyOf(holders(entry).keySet())));
        return out.toString();
    }
}
