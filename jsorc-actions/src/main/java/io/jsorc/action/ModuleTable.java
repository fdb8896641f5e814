package io.jsorc.action;

import io.jsorc.action.remote.RemotePlacement;
import io.jsorc.action.remote.RemoteStarter;
import io.jsorc.action.tracking.ActionTracker;
import io.jsorc.metrics.MetricsEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The loaded modules: loads and unloads their placements, routes calls to the placement in force, and drains a
 * placement before releasing it, so that switching placement loses no call. A remote server that stops answering is
 * marked FAILED and replaced, per {@code remote.on_failure}, by a restarted server or a local copy.
 */
final class ModuleTable {

    private static final Logger log = LoggerFactory.getLogger(ModuleTable.class);

    private final Map<String, LoadedModule> modules = new ConcurrentHashMap<>();
    private final Function<String, ActionConfig> configs;
    private final RemoteStarter starter;
    private final ActionTracker tracker;
    private final ActionNames names = new ActionNames();
    volatile MetricsEvents metricsEvents;

    ModuleTable(Function<String, ActionConfig> configs, RemoteStarter starter, ActionTracker tracker) {
        this.configs = configs;
        this.starter = starter;
        this.tracker = tracker;
    }

    ActionStatus load(String name, ActionMode mode) {
        ActionConfig config = configs.apply(name);
        LoadedModule module = modules.computeIfAbsent(name, n -> new LoadedModule(n, config, this));
        synchronized (module) {
            if (mode == ActionMode.LOCAL) {
                if (module.local == null) {
                    module.local = LocalPlacement.load(config);
                    module.loadedAt = Instant.now();
                }
                module.route(module.local);
            } else if (module.remote == null) {
                module.remote = starter.prepare(name);
                starter.start(module.remote, config, remote -> remoteReady(module, remote));
            } else if (module.remote.ready()) {
                module.route(module.remote);
            }
            return module.status();
        }
    }

    private void remoteReady(LoadedModule module, RemotePlacement remote) {
        synchronized (module) {
            remote.markReady();
            module.loadedAt = Instant.now();
            if (module.remote == remote) {
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
        java.time.Duration timeout = drainTimeout(module.config);
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

    /** {@code remote.drain_timeout_ms} of the module's config, else {@link Placement#DEFAULT_DRAIN_TIMEOUT}. */
    private static java.time.Duration drainTimeout(ActionConfig config) {
        Object value = config == null ? null : config.remote().get("drain_timeout_ms");
        if (value instanceof Number n && n.longValue() > 0) {
            return java.time.Duration.ofMillis(n.longValue());
        }
        return Placement.DEFAULT_DRAIN_TIMEOUT;
    }

    Object call(String action, Arguments arguments) {
        String[] parts = names.split(action);
        LoadedModule module = parts == null ? null : modules.get(parts[0]);
        if (module == null) {
            throw new ActionException("No loaded action '" + action + "'; loaded actions: " + loadedActions());
        }
        String name = parts[1];
        while (true) {
            Placement placement = module.current;
            if (placement == null) {
                throw new ActionException("Action module '" + module.name + "' has no placement that takes calls "
                        + "(its remote server is not ready yet?)");
            }
            if (!placement.enter()) {
                Thread.onSpinWait(); // unloaded between the read and the call: take the new placement
                continue;
            }
            long t0 = System.nanoTime();
            boolean failed = false;
            try {
                return placement.call(name, arguments, this::loadedActions);
            } catch (ActionException e) {
                failed = true;
                if (placement instanceof RemotePlacement remote && e.getCause() instanceof IOException) {
                    remoteFailed(module, remote, e);
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
     * A remote server stopped answering: its placement is FAILED; calls go to the local copy if there is one, and
     * the server is restarted ({@code remote.on_failure: restart}, the default) or the module is loaded locally
     * instead ({@code on_failure: local}).
     */
    private void remoteFailed(LoadedModule module, RemotePlacement remote, ActionException cause) {
        RemotePlacement fresh = null;
        boolean restart;
        synchronized (module) {
            if (module.remote != remote || !remote.ready()) {
                return; // handled already
            }
            remote.markFailed(cause.getMessage());
            restart = !"local".equals(String.valueOf(module.config.remote().getOrDefault("on_failure", "restart")));
            if (!restart && module.local == null) {
                try {
                    module.local = LocalPlacement.load(module.config);
                } catch (ActionException e) {
                    log.warn("Falling back to a local '{}' failed: {}", module.name, e.getMessage());
                }
            }
            if (restart) {
                fresh = starter.restartOf(remote);
            }
            module.remote = fresh;
            module.route(module.local);
            removeIfEmpty(module);
        }
        log.warn("Remote action module '{}' stopped answering ({}); {}", module.name, cause.getMessage(),
                restart ? "restarting it" : "running it locally");
        starter.recover(remote, fresh, module.config, ready -> remoteReady(module, ready));
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
