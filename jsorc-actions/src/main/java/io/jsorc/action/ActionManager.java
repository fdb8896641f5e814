package io.jsorc.action;

import io.jsorc.Context;
import io.jsorc.ComponentContext;
import io.jsorc.OrchestratorAware;
import io.jsorc.base.Json;
import io.jsorc.metrics.MetricsEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Loads action modules in this JVM or as remote servers and routes {@link #call calls} to wherever a module runs
 * now. The persisting context {@code action_manager}: {@code JsOrc.actions()}.
 *
 * <p>Switching placement loses no call: a call holds its placement while it runs, and a placement being unloaded
 * stops taking new calls and is released only after the calls in flight on it have finished (drain, then switch). A
 * remote placement takes calls only once its server answers its spec endpoint ({@code READY}).
 *
 * <p>A remote server that stops answering is marked FAILED, calls go to the local copy if one is loaded, and the
 * server is restarted ({@code remote.on_failure: restart}, the default) or replaced by a local copy
 * ({@code on_failure: local}).
 *
 * <p>{@link #policy(String, Map)} hands placement to a policy ({@link EvaluationPolicy}, {@link AdaptivePolicy}).
 */
@Context(name = "action_manager")
public class ActionManager implements OrchestratorAware, AutoCloseable {

    /** Config store key of the module configs: {@code {name: {module, jar, local_mem_mb, remote}}}. */
    public static final String CONFIG_KEY = "ACTION_CONFIGS";

    private static final Logger log = LoggerFactory.getLogger(ActionManager.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, ActionConfig> configs = new ConcurrentHashMap<>();
    private final Map<String, Module> modules = new ConcurrentHashMap<>();
    private final RemoteActionLauncher fixedLauncher;
    private final ActionTracker tracker = new ActionTracker();
    private final RequestBenchmark benchmark = new RequestBenchmark();
    private volatile ComponentContext orchestrator;
    private volatile MetricsEvents metricsEvents;
    private volatile boolean closed;

    /**
     * Built by the orchestrator ({@code JsOrc.actions()}): remote modules run through the first available launcher
     * found with {@link java.util.ServiceLoader} (the kube one while the kube service runs), else as child JVMs.
     */
    public ActionManager() {
        this(null);
    }

    /** @param launcher how remote servers are started ({@code null}: choose per load, as above) */
    public ActionManager(RemoteActionLauncher launcher) {
        this.fixedLauncher = launcher;
    }

    private RemoteActionLauncher chooseLauncher() {
        if (fixedLauncher != null) {
            return fixedLauncher;
        }
        ClassLoader loader = ActionManager.class.getClassLoader();
        for (RemoteActionLauncher candidate : java.util.ServiceLoader.load(RemoteActionLauncher.class, loader)) {
            if (!(candidate instanceof ProcessActionLauncher) && candidate.available(orchestrator)) {
                return candidate;
            }
        }
        return new ProcessActionLauncher();
    }

    @Override
    public void attach(ComponentContext owner) {
        this.orchestrator = owner;
        this.metricsEvents = MetricsEvents.of(owner);
    }

    // ------------------------------------------------------------------ configs

    /**
     * @param name   the module name
     * @param config how to load it
     */
    public void config(String name, ActionConfig config) {
        configs.put(requireName(name), config);
    }

    /**
     * Reads a module config from a classpath resource (JSON or YAML: {@code module}, {@code jar},
     * {@code local_mem_mb}, {@code remote}).
     *
     * @param name     the module name
     * @param resource the resource path
     * @return whether the resource was found and read
     * @throws IllegalArgumentException when it does not parse or is not a valid config
     */
    public boolean configFrom(String name, String resource) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = (loader != null ? loader : getClass().getClassLoader()).getResourceAsStream(resource)) {
            if (in == null) {
                return false;
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Object parsed = text.stripLeading().startsWith("{") ? Json.parseObject(text, resource)
                    : new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
            if (!(parsed instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("Action config " + resource + " must be an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> values = (Map<String, Object>) map;
            config(name, ActionConfig.fromMap(values));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }

    private ActionConfig configOf(String name) {
        ActionConfig config = configs.get(name);
        if (config != null) {
            return config;
        }
        ComponentContext owner = orchestrator;
        if (owner != null) {
            Optional<Map<String, Object>> stored = owner.config(CONFIG_KEY);
            if (stored.isPresent() && stored.get().get(name) instanceof Map<?, ?> entry) {
                @SuppressWarnings("unchecked")
                Map<String, Object> values = (Map<String, Object>) entry;
                return ActionConfig.fromMap(values);
            }
        }
        throw new ActionException("No config for action module '" + name + "': use config(name, ActionConfig), "
                + "configFrom(name, resource) or the " + CONFIG_KEY + " config; configured: "
                + new TreeSet<>(configs.keySet()));
    }

    // ------------------------------------------------------------------ load and unload

    /**
     * Loads a module. LOCAL is immediate; REMOTE starts the server and returns {@code STARTING}: calls switch to it
     * once it answers ({@link #awaitReady}). Loading a module that is loaded in the same mode changes nothing.
     *
     * @param name the module name
     * @param mode where to run it
     * @return its status
     */
    public ActionStatus load(String name, ActionMode mode) {
        ensureOpen();
        ActionConfig config = configOf(name);
        Module module = modules.computeIfAbsent(name, n -> new Module(n, config));
        synchronized (module) {
            if (mode == ActionMode.LOCAL) {
                if (module.local == null) {
                    module.local = LocalPlacement.load(config);
                    module.loadedAt = Instant.now();
                }
                module.route(module.local);
            } else if (module.remote == null) {
                Parked warm = parked.remove(name);
                RemotePlacement remote = new RemotePlacement(name, warm != null ? warm.launcher() : chooseLauncher());
                remote.server = warm == null ? null : warm.server();
                module.remote = remote;
                Thread starter = new Thread(() -> start(module, remote, config), "jsorc-action-" + name + "-start");
                starter.setDaemon(true);
                starter.start();
            } else if (module.remote.status.equals("READY")) {
                module.route(module.remote);
            }
            return module.status();
        }
    }

    private void start(Module module, RemotePlacement remote, ActionConfig config) {
        try {
            if (remote.server == null) {
                remote.server = remote.launcher.launch(module.name, config, orchestrator);
            }
            if (closed || remote.retired) {
                remote.launcher.retire(remote.server); // unloaded or closed while it was being launched
                return;
            }
            RemoteActionClient client = new RemoteActionClient(remote.server.url(),
                    Duration.ofMillis(millis(config, "connect_timeout_ms", 2_000)),
                    Duration.ofMillis(millis(config, "timeout_ms", 30_000)));
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            Map<String, Object> spec = null;
            while (spec == null && !closed && !remote.retired) {
                try {
                    spec = client.spec();
                } catch (IOException e) {
                    if (System.nanoTime() > deadline || !remote.server.alive()) {
                        throw new IllegalStateException("the remote server " + (remote.server.alive()
                                ? "did not answer within " + START_TIMEOUT.toSeconds() + " s" : "exited") + ": " + e);
                    }
                    Thread.sleep(50);
                }
            }
            if (spec == null) {
                remote.launcher.retire(remote.server);
                return;
            }
            remote.bind(client, spec);
            synchronized (module) {
                remote.status = "READY";
                module.loadedAt = Instant.now();
                if (module.remote == remote) {
                    module.route(remote);
                }
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("Remote action module '{}' did not start: {}", module.name, e.toString());
            remote.status = "FAILED";
            remote.detail = e.toString();
        } finally {
            remote.started.countDown();
        }
    }

    private static long millis(ActionConfig config, String key, long fallback) {
        Object value = config.remote().get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number n && n.longValue() > 0) {
            return n.longValue();
        }
        throw new IllegalArgumentException("remote." + key + " must be a positive number of milliseconds, is " + value);
    }

    /**
     * Waits until a remote placement answers.
     *
     * @param name    the module name
     * @param timeout how long to wait
     * @return its status
     * @throws ActionException when it failed to start or is not loaded remotely
     */
    public ActionStatus awaitReady(String name, Duration timeout) throws InterruptedException {
        Module module = modules.get(name);
        RemotePlacement remote = module == null ? null : module.remote;
        if (remote == null) {
            throw new ActionException("Action module '" + name + "' is not loaded as remote");
        }
        if (!remote.started.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new ActionException("Remote action module '" + name + "' is not ready after " + timeout.toMillis()
                    + " ms");
        }
        if (!remote.status.equals("READY")) {
            throw new ActionException("Remote action module '" + name + "' failed to start: " + remote.detail);
        }
        return module.status();
    }

    /**
     * Unloads a placement; calls switch to the other one if it is loaded. Calls in flight on the unloaded placement
     * finish first.
     *
     * @param name   the module name
     * @param mode   which placement (AUTO: the one calls go to)
     * @param retire stop the remote server (without it, the server is kept running for a fast reload until
     *               {@link #close()})
     * @return what was done
     */
    public UnloadResult unload(String name, UnloadMode mode, boolean retire) {
        Module module = modules.get(name);
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
                if (!module.remote.status.equals("READY") && !retire) {
                    return new UnloadResult(false, "Remote action is not ready.");
                }
                removed = module.remote;
                module.remote = null;
            }
            Placement next = module.local != null ? module.local
                    : module.remote != null && module.remote.status.equals("READY") ? module.remote : null;
            module.route(next);
            if (module.local == null && module.remote == null) {
                modules.remove(name, module);
            }
        }
        removed.drain();
        if (removed instanceof RemotePlacement remote) {
            remote.retired = true;
            if (remote.server != null) {
                if (retire) {
                    remote.launcher.retire(remote.server);
                } else {
                    Parked previous = parked.put(name, new Parked(remote.server, remote.launcher));
                    if (previous != null) {
                        previous.launcher().retire(previous.server());
                    }
                }
            }
        } else {
            ((LocalPlacement) removed).close();
        }
        return new UnloadResult(true, (removed instanceof RemotePlacement ? "Remote" : "Local") + " action module '"
                + name + "' unloaded" + (removed instanceof RemotePlacement && retire ? " and retired." : "."));
    }

    /** A remote server unloaded without retiring: kept running (for a fast reload) until {@link #close()}. */
    private record Parked(RemoteActionLauncher.Remote server, RemoteActionLauncher launcher) { }

    private final Map<String, Parked> parked = new ConcurrentHashMap<>();

    // ------------------------------------------------------------------ calls

    /**
     * @param action {@code module.action}
     * @param args   positional arguments
     * @return the action's result
     * @throws ActionException naming the loaded actions when the action is unknown, or carrying the action's error
     */
    public Object call(String action, Object... args) {
        return call(action, Arguments.of(args));
    }

    /**
     * @param action {@code module.action}
     * @param kwargs keyword arguments
     * @return the action's result
     */
    public Object call(String action, Map<String, Object> kwargs) {
        return call(action, new Arguments(List.of(), kwargs));
    }

    /**
     * @param action    {@code module.action}
     * @param arguments positional and keyword arguments
     * @return the action's result
     */
    public Object call(String action, Arguments arguments) {
        String[] parts = split(action);
        Module module = parts == null ? null : modules.get(parts[0]);
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
    private void remoteFailed(Module module, RemotePlacement remote, ActionException cause) {
        RemotePlacement fresh = null;
        boolean restart;
        synchronized (module) {
            if (module.remote != remote || !remote.status.equals("READY")) {
                return; // handled already
            }
            remote.status = "FAILED";
            remote.detail = cause.getMessage();
            restart = !"local".equals(String.valueOf(module.config.remote().getOrDefault("on_failure", "restart")));
            if (!restart && module.local == null) {
                try {
                    module.local = LocalPlacement.load(module.config);
                } catch (ActionException e) {
                    log.warn("Falling back to a local '{}' failed: {}", module.name, e.getMessage());
                }
            }
            if (restart && !closed) {
                fresh = new RemotePlacement(module.name, remote.launcher);
                fresh.restarts = remote.restarts + 1;
                fresh.detail = "restart " + fresh.restarts + " after: " + remote.detail;
            }
            module.remote = fresh;
            module.route(module.local);
            if (module.local == null && module.remote == null) {
                modules.remove(module.name, module);
            }
        }
        log.warn("Remote action module '{}' stopped answering ({}); {}", module.name, cause.getMessage(),
                restart ? "restarting it" : "running it locally");
        RemotePlacement replacement = fresh;
        Thread recovery = new Thread(() -> {
            remote.drain();
            if (remote.server != null) {
                remote.launcher.retire(remote.server);
            }
            if (replacement != null) {
                start(module, replacement, module.config);
            }
        }, "jsorc-action-" + module.name + "-recover");
        recovery.setDaemon(true);
        recovery.start();
    }

    // ------------------------------------------------------------------ placement policies

    private volatile PlacementPolicy policy;
    private volatile Thread policyThread;

    /**
     * Chooses the placement policy: {@code Default} (manual placement only), {@code Evaluation} or
     * {@code Adaptive}. A policy runs on its own daemon ({@code jsorc-action-policy}, every {@code tick_ms}, default
     * 200 ms), never on a caller's thread, and uses the request benchmark while it evaluates.
     *
     * @param name   the policy's name
     * @param params its parameters
     * @throws IllegalArgumentException naming the known policies when the name is unknown
     */
    public synchronized void policy(String name, Map<String, Object> params) {
        ensureOpen();
        Map<String, Object> values = params == null ? Map.of() : params;
        PlacementPolicy chosen = switch (String.valueOf(name)) {
            case "Default" -> null;
            case "Evaluation" -> new EvaluationPolicy(values);
            case "Adaptive" -> new AdaptivePolicy(values);
            default -> throw new IllegalArgumentException("Unknown placement policy '" + name
                    + "'; known policies: [Adaptive, Default, Evaluation]");
        };
        stopPolicy();
        policy = chosen;
        if (chosen != null) {
            long tick = (long) EvaluationPolicy.number(values, "tick_ms", 200);
            Thread thread = new Thread(() -> runPolicy(chosen, Math.max(10, tick)), "jsorc-action-policy");
            thread.setDaemon(true);
            policyThread = thread;
            thread.start();
        }
    }

    /** {@return the policy in force: {@code name} and its {@code params} (with its state)} */
    public Map<String, Object> policy() {
        PlacementPolicy current = policy;
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("name", current == null ? "Default" : current.name());
        out.put("params", current == null ? Map.of() : current.parameters());
        return out;
    }

    private void runPolicy(PlacementPolicy chosen, long tickMillis) {
        while (!closed && policy == chosen && !Thread.currentThread().isInterrupted()) {
            try {
                chosen.tick(this);
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Placement policy {} failed a step: {}", chosen.name(), e.toString());
                try {
                    Thread.sleep(tickMillis);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    private void stopPolicy() {
        Thread thread = policyThread;
        policyThread = null;
        policy = null;
        if (thread != null && thread != Thread.currentThread()) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@return the names of the loaded modules, sorted} */
    List<String> loadedModules() {
        return new ArrayList<>(new TreeSet<>(modules.keySet()));
    }

    /** {@return the declared {@code local_mem_mb} of a module} */
    long declaredMemoryMb(String name) {
        Module module = modules.get(name);
        return module == null ? configOf(name).localMemMb() : module.config.localMemMb();
    }

    /** {@return the heap growth measured when the module was last loaded locally (0 when unknown)} */
    long measuredMemoryMb(String name) {
        Module module = modules.get(name);
        LocalPlacement local = module == null ? null : module.local;
        return local == null ? module == null ? 0 : module.measuredMb : local.measuredMb;
    }

    /**
     * Applies a placement: the modules in {@code local} run here, the others remotely. A module moving to remote
     * keeps its local copy until the remote is READY, so no call waits; a remote moved away is parked, not retired.
     */
    void place(List<String> names, java.util.Set<String> local) throws InterruptedException {
        for (String name : names) {
            if (local.contains(name)) {
                load(name, ActionMode.LOCAL);
                Module module = modules.get(name);
                if (module != null && module.remote != null) {
                    unload(name, UnloadMode.REMOTE, false);
                }
            } else {
                load(name, ActionMode.REMOTE);
                awaitReady(name, START_TIMEOUT);
                Module module = modules.get(name);
                if (module != null && module.local != null) {
                    module.measuredMb = module.local.measuredMb;
                    unload(name, UnloadMode.LOCAL, false);
                }
            }
        }
    }

    private Map<String, String> actionsState() {
        Map<String, String> state = new TreeMap<>();
        modules.forEach((name, module) -> {
            Placement placement = module.current;
            state.put(name, placement == null ? "unloaded" : placement.mode().name().toLowerCase(java.util.Locale.ROOT));
        });
        return state;
    }

    // ------------------------------------------------------------------ system tracking

    private final List<Map<String, Object>> systemHistory = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Thread systemTracker;

    /**
     * Starts the original's {@code tracksys}: every regeneration interval ({@code JSORC_CONFIG.backoff_interval})
     * an entry {@code {ts, actions_state, prometheus: podInfo(kube namespace, excludeProm, ts, interval)}} is
     * recorded; while the {@code prome} service is not running, the JVM's own CPU, heap and threads are recorded
     * instead, and the entry says so. Runs on its own daemon: it never stops the regeneration loop.
     */
    public void trackSystemStart() {
        Object interval = orchestrator == null ? null
                : orchestrator.config("JSORC_CONFIG").orElse(Map.of()).get("backoff_interval");
        trackSystemStart(Duration.ofMillis(interval instanceof Number n ? (long) (n.doubleValue() * 1000) : 10_000));
    }

    /**
     * @param interval how often to record
     */
    public synchronized void trackSystemStart(Duration interval) {
        trackSystemStop();
        systemHistory.clear();
        Thread tracker = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted() && !closed) {
                try {
                    systemHistory.add(systemEntry(interval));
                    Thread.sleep(Math.max(10, interval.toMillis()));
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.debug("System tracking step failed: {}", e.toString());
                }
            }
        }, "jsorc-action-tracksys");
        tracker.setDaemon(true);
        systemTracker = tracker;
        tracker.start();
    }

    /** {@return the entries recorded since {@link #trackSystemStart()} (empty when not tracking)} */
    public synchronized List<Map<String, Object>> trackSystemStop() {
        Thread tracker = systemTracker;
        systemTracker = null;
        if (tracker == null) {
            return List.of();
        }
        tracker.interrupt();
        try {
            tracker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Map<String, Object>> out = List.copyOf(systemHistory);
        systemHistory.clear();
        return out;
    }

    private Map<String, Object> systemEntry(Duration interval) {
        Map<String, Object> entry = new java.util.LinkedHashMap<>();
        Instant now = Instant.now();
        entry.put("ts", now.toString());
        entry.put("actions_state", actionsState());
        ComponentContext owner = orchestrator;
        if (owner != null) {
            for (io.jsorc.metrics.PodMetricsProvider provider : java.util.ServiceLoader.load(
                    io.jsorc.metrics.PodMetricsProvider.class, ActionManager.class.getClassLoader())) {
                try {
                    Optional<io.jsorc.metrics.PodMetricsProvider.PodMetrics> pods = provider.podInfo(owner, now,
                            Math.max(1, interval.toSeconds()));
                    if (pods.isPresent()) {
                        entry.put("prometheus", pods.get().pods());
                        return entry;
                    }
                } catch (RuntimeException e) {
                    entry.put("prometheus_error", e.getMessage());
                }
            }
        }
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Map<String, Object> jvm = new java.util.LinkedHashMap<>();
        jvm.put("cpu_load", os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuLoad()
                : os.getSystemLoadAverage());
        Runtime runtime = Runtime.getRuntime();
        jvm.put("heap_used_bytes", runtime.totalMemory() - runtime.freeMemory());
        jvm.put("heap_max_bytes", runtime.maxMemory());
        jvm.put("threads", java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount());
        entry.put("jvm", jvm);
        entry.put("source", "jvm: the prome service is not running");
        return entry;
    }

    // ------------------------------------------------------------------ tracking and benchmarking

    /** Starts counting calls per action and recording placement changes (the original's trackact). */
    public void trackActionsStart() {
        tracker.start(actionsState());
    }

    /**
     * {@return the history since {@link #trackActionsStart()}: {@code {ts, actions_state}} per placement change, and a last entry with {@code actions_calls: {action: {count, mean_ms}}}; empty when not tracking}
     */
    public List<Map<String, Object>> trackActionsStop() {
        return tracker.stop(actionsState());
    }

    /**
     * Marks one request of the host, for the benchmark: {@code try (var r = actions.request("walker_run", "x"))}.
     *
     * @param type the request type
     * @param name the request name
     * @return closes the request
     */
    public RequestScope request(String type, String name) {
        long t0 = System.nanoTime();
        return () -> {
            long nanos = System.nanoTime() - t0;
            benchmark.record(type, name, nanos);
            MetricsEvents events = metricsEvents;
            if (events != null) {
                events.requested(new MetricsEvents.Request(type, name, nanos));
            }
        };
    }

    /** Starts recording request latencies (clears earlier ones). */
    public void benchmarkStart() {
        benchmark.start();
    }

    /**
     * {@return per request type, per name and {@code all}: count, throughput (req/s since start), average and p50/p90/p95/p99 latency in ms; empty when not benchmarking}
     */
    public Map<String, Object> benchmarkReport() {
        return benchmark.report();
    }

    /**
     * @param report whether to return the report
     * @return the report (or empty); empty when the benchmark was not running
     */
    public Map<String, Object> benchmarkStop(boolean report) {
        return benchmark.stop(report);
    }

    /** A request being measured; closing it records its latency. */
    @FunctionalInterface
    public interface RequestScope extends AutoCloseable {
        @Override
        void close();
    }

    /** "module.action" split once per distinct name (a hot path: no substring per call). */
    private final Map<String, String[]> names = new ConcurrentHashMap<>();

    private String[] split(String action) {
        String[] parts = names.get(action);
        if (parts == null) {
            int dot = action.indexOf('.');
            if (dot <= 0 || dot == action.length() - 1) {
                return null;
            }
            parts = new String[]{action.substring(0, dot), action.substring(dot + 1)};
            if (names.size() < 10_000) {
                names.put(action, parts);
            }
        }
        return parts;
    }

    private List<String> loadedActions() {
        List<String> names = new ArrayList<>();
        for (Module module : new TreeMap<>(modules).values()) {
            Placement placement = module.current;
            if (placement != null) {
                placement.actionNames().forEach(a -> names.add(module.name + "." + a));
            }
        }
        return names;
    }

    // ------------------------------------------------------------------ status

    /**
     * @param name the module name
     * @return its status
     * @throws ActionException when it is not loaded
     */
    public ActionStatus status(String name) {
        Module module = modules.get(name);
        if (module == null) {
            throw new ActionException("Action module '" + name + "' is not loaded; loaded: "
                    + new TreeSet<>(modules.keySet()));
        }
        return module.status();
    }

    /** {@return the status of every loaded module, by name} */
    public Map<String, ActionStatus> status() {
        Map<String, ActionStatus> out = new TreeMap<>();
        modules.forEach((name, module) -> out.put(name, module.status()));
        return out;
    }

    /** Unloads everything: remote servers are retired, module class loaders closed. Idempotent. */
    @Override
    public void close() {
        closed = true;
        stopPolicy();
        trackSystemStop();
        for (String name : new ArrayList<>(modules.keySet())) {
            Module module = modules.get(name);
            if (module != null && module.remote != null) {
                unload(name, UnloadMode.REMOTE, true);
            }
            if (modules.containsKey(name)) {
                unload(name, UnloadMode.LOCAL, true);
            }
        }
        parked.values().forEach(p -> p.launcher().retire(p.server()));
        parked.clear();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ActionManager is closed");
        }
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank() || name.contains(".")) {
            throw new IllegalArgumentException("An action module name must be non-blank and contain no '.', is '"
                    + name + "'");
        }
        return name;
    }

    // ------------------------------------------------------------------ placements

    /** One loaded module and where its calls go. */
    private final class Module {
        final String name;
        final ActionConfig config;
        volatile Placement current;
        LocalPlacement local;
        RemotePlacement remote;
        Instant loadedAt = Instant.now();
        long measuredMb;

        Module(String name, ActionConfig config) {
            this.name = name;
            this.config = config;
        }

        void route(Placement placement) {
            Placement before = current;
            current = placement;
            if (before != placement) {
                tracker.placementChanged(actionsState());
                MetricsEvents events = metricsEvents;
                if (events != null) {
                    events.placed(new MetricsEvents.PlacementChange(name, before == null ? null : before.mode().name(),
                            placement == null ? null : placement.mode().name()));
                }
            }
        }

        ActionStatus status() {
            Placement routed = current;
            RemotePlacement r = remote;
            return new ActionStatus(name, routed == null ? null : routed.mode(), local != null,
                    r == null || r.server == null ? null : r.server.url(), r == null ? null : r.status, loadedAt,
                    config.localMemMb(), r == null ? null : r.detail);
        }
    }

    @Override
    public String toString() {
        return "ActionManager" + status().keySet();
    }
}
