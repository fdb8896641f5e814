package io.jsorc.action;

import io.jsorc.action.remote.RemoteCallTimeoutException;
import io.jsorc.action.remote.RemotePlacement;
import io.jsorc.action.remote.RemoteUnreachableException;
import io.jsorc.action.remote.RemoteStarter;
import io.jsorc.action.tracking.ActionTracker;
import io.jsorc.metrics.MetricsEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The loaded modules: loads and unloads their placements, routes calls to the placement in force, and drains a
 * placement before releasing it, so that switching placement loses no call. A remote server that stops answering is
 * marked FAILED and replaced, per {@code remote.on_failure}, by a restarted server (within its {@link RestartBudget})
 * or a local copy. Loads re-check the table under the module's lock, so a placement is never installed on an entry an
 * unload removed; after {@link #close()} loads are refused.
 */
final class ModuleTable {

    private static final Logger log = LoggerFactory.getLogger(ModuleTable.class);

    private final Map<String, LoadedModule> modules = new ConcurrentHashMap<>();
    private final Function<String, ActionConfig> configs;
    private final RemoteStarter starter;
    private final ActionTracker tracker;
    private final ActionNames names = new ActionNames();
    private final Supplier<CodeAllowList> codeAllowList;
    private volatile boolean closed;
    volatile MetricsEvents metricsEvents;

    ModuleTable(Function<String, ActionConfig> configs, Supplier<CodeAllowList> codeAllowList, RemoteStarter starter,
                ActionTracker tracker) {
        this.configs = configs;
        this.codeAllowList = codeAllowList;
        this.starter = starter;
        this.tracker = tracker;
    }

    /**
     * Loads a placement. The module's entry is re-read after taking its lock: an unload may have removed it from the
     * table in between, and a placement installed on a removed entry would take no call and never be released.
     */
    ActionStatus load(String name, ActionMode mode) {
        ActionConfig config = configs.apply(name);
        codeAllowList.get().check(name, config); // before anything is created: a refused class is never loaded
        while (true) {
            LoadedModule module = modules.computeIfAbsent(name, n -> new LoadedModule(n, config, this));
            RemotePlacement replaced = null;
            ActionStatus status;
            synchronized (module) {
                if (modules.get(name) != module) {
                    continue; // unloaded and removed between the lookup and the lock: take the current entry
                }
                try {
                    if (closed) {
                        throw new IllegalStateException("ActionManager is closed");
                    }
                    if (!module.config.equals(config)) {
                        // Its placements, restarts and fail-over copy run on the config it was loaded with: a new
                        // one (another class or jar, checked against the allow-list only now) takes a new load.
                        throw new IllegalStateException("Action module '" + name + "' is loaded with another config; "
                                + "unload it first, then load it to run the new one");
                    }
                    module.wanted = mode;
                    if (mode == ActionMode.LOCAL) {
                        if (module.local == null) {
                            module.local = LocalPlacement.load(config);
                            module.loadedAt = Instant.now();
                        }
                        module.route(module.local);
                    } else if (module.remote == null || RemotePlacement.FAILED.equals(module.remote.status())) {
                        // A FAILED server (its start failed, or its restart budget is spent) is started anew.
                        replaced = module.remote;
                        module.remote = starter.prepare(name, config);
                        starter.start(module.remote, config, remote -> remoteReady(module, remote));
                    } else if (module.remote.ready()) {
                        module.route(module.remote);
                    }
                    status = module.status();
                } finally {
                    removeIfEmpty(module); // a first load that failed leaves no entry behind
                }
            }
            if (replaced != null) {
                starter.release(replaced, true);
            }
            return status;
        }
    }

    private void remoteReady(LoadedModule module, RemotePlacement remote) {
        synchronized (module) {
            remote.markReady();
            module.loadedAt = Instant.now();
            // Not over a local copy asked for since this server's start began (by hand or by a policy measuring it).
            if (module.remote == remote && (module.wanted != ActionMode.LOCAL || module.local == null)) {
                module.route(remote);
            }
        }
    }

    ActionStatus awaitReady(String name, Duration timeout) throws InterruptedException {
        LoadedModule module = modules.get(name);
        RemotePlacement remote = module == null ? null : module.remote;
        if (remote == null) {
            throw new ActionException("Action module '" + name + "' is not loaded as remote");
        }
        if (!remote.awaitStarted(timeout)) {
            throw new ActionException("Remote action module '" + name + "' is not ready after " + timeout.toMillis()
                    + " ms");
        }
        if (!remote.ready()) {
            throw new ActionException("Remote action module '" + name + "' failed to start: " + remote.detail());
        }
        return module.status();
    }

    UnloadResult unload(String name, UnloadMode mode, boolean retire) {
        LoadedModule module = modules.get(name);
        if (module == null) {
            return new UnloadResult(false, "Action is not loaded.");
        }
        Placement removed;
        synchronized (module) {
            UnloadMode which = mode;
            if (which == UnloadMode.AUTO) {
                which = module.current instanceof RemotePlacement || module.local == null ? UnloadMode.REMOTE
                        : UnloadMode.LOCAL;
            }
            if (which == UnloadMode.LOCAL) {
                if (module.local == null) {
                    return new UnloadResult(false, "Action is not loaded as module.");
                }
                removed = module.local;
                module.local = null;
            } else {
                if (module.remote == null) {
                    return new UnloadResult(false, "Action is not loaded as remote.");
                }
                if (!module.remote.ready() && !retire) {
                    return new UnloadResult(false, "Remote action is not ready.");
                }
                removed = module.remote;
                module.remote = null;
            }
            module.routeToRemaining();
            removeIfEmpty(module);
        }
        Duration timeout = drainTimeout(module.config);
        int stillRunning = removed.drain(timeout);
        if (stillRunning > 0) {
            log.warn("Unloading action module '{}': {} call(s) still running after {} ms; unloaded anyway, they finish "
                    + "on their own or fail", name, stillRunning, timeout.toMillis());
        }
        if (removed instanceof RemotePlacement remote) {
            starter.release(remote, retire);
        } else {
            ((LocalPlacement) removed).close();
        }
        return new UnloadResult(true, (removed instanceof RemotePlacement ? "Remote" : "Local") + " action module '"
                + name + "' unloaded" + (removed instanceof RemotePlacement && retire ? " and retired" : "")
                + (stillRunning > 0 ? "; " + stillRunning + " call(s) were still running after "
                + timeout.toMillis() + " ms" : "") + ".");
    }

    /** How long the {@code /healthz} probe after a timed-out call may take: {@code remote.connect_timeout_ms}. */
    private static Duration healthTimeout(ActionConfig config) {
        Object value = config.remote().get("connect_timeout_ms");
        return Duration.ofMillis(value instanceof Number n && n.longValue() > 0 ? n.longValue() : 2_000);
    }

    /** {@code remote.drain_timeout_ms} of the module's config, else {@link Placement#DEFAULT_DRAIN_TIMEOUT}. */
    private static Duration drainTimeout(ActionConfig config) {
        Object value = config == null ? null : config.remote().get("drain_timeout_ms");
        if (value instanceof Number n && n.longValue() > 0) {
            return java.time.Duration.ofMillis(n.longValue());
        }
        return Placement.DEFAULT_DRAIN_TIMEOUT;
    }

    /** For the error naming the loaded actions; one instance, so a call allocates no lambda. */
    private final java.util.function.Supplier<List<String>> loadedActions = this::loadedActions;

    Object call(String action, Arguments arguments) {
        return call(action, arguments, null);
    }

    /** Calls with positional arguments only: an in-process placement takes them without a copy. */
    Object callPositional(String action, Object[] positional) {
        return call(action, null, positional);
    }

    /** Exactly one of {@code arguments} and {@code positional} is given. */
    private Object call(String action, Arguments arguments, Object[] positional) {
        String[] parts = names.split(action);
        LoadedModule module = parts == null ? null : modules.get(parts[0]);
        if (module == null) {
            throw new ActionException("No loaded action '" + action + "'; loaded actions: " + loadedActions());
        }
        String name = parts[1];
        while (true) {
            Placement placement = module.current;
            if (placement == null) {
                RemotePlacement remote = module.remote;
                throw new ActionException("Action module '" + module.name + "' has no placement that takes calls"
                        + (remote == null ? "" : ": its remote server is " + remote.status()
                        + (remote.detail() == null ? "" : " (" + remote.detail() + ")")));
            }
            if (!placement.enter()) {
                Thread.onSpinWait(); // unloaded between the read and the call: take the new placement
                continue;
            }
            long t0 = System.nanoTime();
            boolean failed = false;
            try {
                return positional != null ? placement.callPositional(name, positional, loadedActions)
                        : placement.call(name, arguments, loadedActions);
            } catch (RemoteCallTimeoutException e) {
                // A slow action is no sign of a dead server: restart only when /healthz does not answer either.
                failed = true;
                if (placement instanceof RemotePlacement remote && !remote.answersHealth(healthTimeout(module.config))) {
                    remoteFailed(module, remote, "a call timed out and GET /healthz did not answer either");
                }
                throw e;
            } catch (RemoteUnreachableException e) {
                // Only a server that did not answer may be gone; an action that threw, arguments that could not be
                // sent or an answer too large leave it alone.
                failed = true;
                if (placement instanceof RemotePlacement remote) {
                    remoteFailed(module, remote, e.getMessage());
                }
                throw e;
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            } finally {
                placement.exit();
                long nanos = System.nanoTime() - t0;
                tracker.call(action, nanos);
                MetricsEvents events = metricsEvents;
                if (events != null && events.observingCalls()) {
                    events.called(new MetricsEvents.ActionCall(module.name, placement.mode().name(), nanos, !failed));
                }
            }
        }
    }

    /**
     * A remote server stopped answering (a refused connection, another I/O failure, a failed {@code /healthz}, or a
     * restart that did not start): its placement is FAILED and calls go to the local copy if there is one. With
     * {@code remote.on_failure: local} a local copy is loaded instead of a restart. Otherwise the server is restarted
     * after a backoff while the module's {@link RestartBudget} allows; once it is spent the module stays on its local
     * copy, or, without one, FAILED with the reason in its status.
     */
    private void remoteFailed(LoadedModule module, RemotePlacement remote, String reason) {
        RemotePlacement fresh = null;
        Duration backoff = Duration.ZERO;
        String outcome;
        synchronized (module) {
            if (module.remote != remote || !remote.claimFailure()) {
                return; // unloaded, replaced, or handled by another call already
            }
            remote.markFailed(reason);
            if ("local".equals(String.valueOf(module.config.remote().getOrDefault("on_failure", "restart")))) {
                loadLocalCopy(module);
                remote.markFailed(reason + " (remote.on_failure: local)");
                outcome = module.local != null ? "running it locally" : "no local copy could be loaded: FAILED";
            } else {
                Optional<Duration> wait = closed ? Optional.empty() : module.budget.failed();
                fresh = wait.isPresent() ? starter.restartOf(remote, module.budget.describe()) : null;
                if (fresh != null) {
                    backoff = wait.get();
                    module.remote = fresh;
                    outcome = "restarting it in " + backoff.toMillis() + " ms";
                } else {
                    remote.markFailed("restart budget spent (" + module.budget.describe() + ": remote.restart_budget, "
                            + "remote.restart_window_ms): " + module.budget.failures() + " failures; last: " + reason);
                    outcome = "restart budget spent; " + (module.local != null ? "calls go to the local copy"
                            : "the module is FAILED");
                }
            }
            module.route(module.local);
        }
        log.warn("Remote action module '{}' stopped answering ({}); {}", module.name, reason, outcome);
        starter.recover(remote, fresh, backoff, module.config, ready -> remoteReady(module, ready),
                failed -> remoteFailed(module, failed, "its restart did not start: " + failed.detail()));
    }

    private void loadLocalCopy(LoadedModule module) {
        if (module.local == null) {
            try {
                // Checked again, against the lists as they are now: they may have been narrowed since the module was
                // loaded remote, and a fallback must not bring into this JVM code they no longer allow.
                codeAllowList.get().check(module.name, module.config);
                module.local = LocalPlacement.load(module.config);
            } catch (RuntimeException e) { // refused, failed, or the lists unreadable (the store down, say)
                log.warn("Falling back to a local '{}' failed: {}", module.name, e.getMessage());
            }
        }
    }

    private void removeIfEmpty(LoadedModule module) {
        if (module.local == null && module.remote == null) {
            modules.remove(module.name, module);
        }
    }

    /** Called by a module whose calls now go elsewhere. */
    void routed(LoadedModule module, Placement before, Placement after) {
        tracker.placementChanged(actionsState());
        MetricsEvents events = metricsEvents;
        if (events != null) {
            events.placed(new MetricsEvents.PlacementChange(module.name, before == null ? null : before.mode().name(),
                    after == null ? null : after.mode().name()));
        }
    }

    LoadedModule get(String name) {
        return modules.get(name);
    }

    /** {@return the names of the loaded modules, sorted} */
    List<String> loadedModules() {
        return new ArrayList<>(new TreeSet<>(modules.keySet()));
    }

    /** {@return module -> {@code local}, {@code remote} or {@code unloaded} (no placement takes calls)} */
    Map<String, String> actionsState() {
        Map<String, String> state = new TreeMap<>();
        modules.forEach((name, module) -> {
            Placement placement = module.current;
            state.put(name, placement == null ? "unloaded" : placement.mode().name().toLowerCase(Locale.ROOT));
        });
        return state;
    }

    private List<String> loadedActions() {
        List<String> loaded = new ArrayList<>();
        for (LoadedModule module : new TreeMap<>(modules).values()) {
            Placement placement = module.current;
            if (placement != null) {
                placement.actionNames().forEach(a -> loaded.add(module.name + "." + a));
            }
        }
        return loaded;
    }

    ActionStatus status(String name) {
        LoadedModule module = modules.get(name);
        if (module == null) {
            throw new ActionException("Action module '" + name + "' is not loaded; loaded: "
                    + new TreeSet<>(modules.keySet()));
        }
        return module.status();
    }

    Map<String, ActionStatus> status() {
        Map<String, ActionStatus> out = new TreeMap<>();
        modules.forEach((name, module) -> out.put(name, module.status()));
        return out;
    }

    /** Refuses loads from now on; {@link #unloadAll()} then releases what is loaded. */
    void close() {
        closed = true;
    }

    /** Unloads every placement, retiring remote servers. */
    void unloadAll() {
        for (String name : new ArrayList<>(modules.keySet())) {
            LoadedModule module = modules.get(name);
            if (module != null && module.remote != null) {
                unload(name, UnloadMode.REMOTE, true);
            }
            if (modules.containsKey(name)) {
                unload(name, UnloadMode.LOCAL, true);
            }
        }
    }
}
