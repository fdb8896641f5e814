package io.jsorc.action;

import io.jsorc.ComponentContext;
import io.jsorc.Context;
import io.jsorc.OrchestratorAware;
import io.jsorc.action.policy.AdaptivePolicy;
import io.jsorc.action.policy.EvaluationPolicy;
import io.jsorc.action.policy.PolicyRunner;
import io.jsorc.action.remote.RemoteActionLauncher;
import io.jsorc.action.remote.RemoteStarter;
import io.jsorc.action.tracking.ActionTracker;
import io.jsorc.action.tracking.RequestBenchmark;
import io.jsorc.action.tracking.SystemTracker;
import io.jsorc.metrics.MetricsEvents;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Loads action modules in this JVM or as remote servers and routes {@link #call calls} to wherever a module runs
 * now. The persisting context {@code action_manager}: {@code JsOrc.actions()}.
 *
 * <p>Switching placement loses no call: a call holds its placement while it runs, and a placement being unloaded
 * stops taking new calls and is released only after the calls in flight on it have finished (drain, then switch). A
 * remote placement takes calls only once its server answers its spec endpoint ({@code READY}).
 *
 * <p>A remote server that stops answering (a refused connection, another I/O failure, or a call timeout followed by a
 * failed {@code /healthz}) is marked FAILED, calls go to the local copy if one is loaded, and the server is restarted
 * ({@code remote.on_failure: restart}, the default) within its restart budget, or replaced by a local copy
 * ({@code on_failure: local}). A call that merely times out restarts nothing. See {@link ActionConfig} for the keys.
 *
 * <p>{@link #policy(String, Map)} hands placement to a policy ({@link EvaluationPolicy}, {@link AdaptivePolicy}).
 * When the host's replicas elect a leader ({@code JSORC_CONFIG.leader_election}), a policy chosen on any replica is
 * published in the config store ({@code ACTION_PLACEMENTS}), runs on the leader only, and the followers move their
 * loaded modules as the leader publishes, so that every replica routes calls alike.
 */
@Context(name = "action_manager")
public class ActionManager implements OrchestratorAware, AutoCloseable {

    /**
     * Config store key of the module configs: {@code {name: {module, jar, local_mem_mb, remote}}}, plus the optional
     * top-level lists {@code allowed_packages} and {@code allowed_jar_dirs} (see {@link ActionConfig}).
     */
    public static final String CONFIG_KEY = "ACTION_CONFIGS";

    private final ModuleConfigs configs = new ModuleConfigs();
    private final ActionTracker tracker = new ActionTracker();
    private final RequestBenchmark benchmark = new RequestBenchmark();
    private final RemoteStarter starter;
    /** The loaded modules (package-private for tests). */
    final ModuleTable table;
    private final PolicyRunner policies;
    private final SystemTracker system;
    private volatile ComponentContext owner;
    private volatile LeaderReplication replication;
    private volatile MetricsEvents metricsEvents;
    private volatile boolean closed;

    /**
     * Builds the manager the orchestrator registers ({@code JsOrc.actions()}): remote modules run through the first
     * available launcher found with {@link java.util.ServiceLoader} (the kube one while the kube service runs), else
     * as child JVMs.
     */
    public ActionManager() {
        this(null);
    }

    /**
     * Builds a manager that starts remote servers with one launcher.
     *
     * @param launcher how remote servers are started ({@code null}: choose per load, as above)
     */
    public ActionManager(RemoteActionLauncher launcher) {
        this.starter = new RemoteStarter(launcher);
        this.table = new ModuleTable(configs::of, configs::codeAllowList, starter, tracker);
        this.policies = new PolicyRunner(new TableControl(table, configs::of, benchmark));
        this.system = new SystemTracker(table::actionsState);
    }

    @Override
    public void attach(ComponentContext context) {
        this.owner = context;
        this.metricsEvents = MetricsEvents.of(context);
        configs.attach(context);
        starter.attach(context);
        table.metricsEvents = metricsEvents;
        replication = new LeaderReplication(context);
        shareWithReplicas();
    }

    /** Among replicas that elect a leader, placement policies run on the leader and the others follow it. */
    private void shareWithReplicas() {
        LeaderReplication current = replication;
        if (current != null && !closed) {
            policies.replicate(current);
        }
    }

    /**
     * Sets how a module is loaded.
     *
     * @param name   the module name
     * @param config how to load it
     */
    public void config(String name, ActionConfig config) {
        configs.put(name, config);
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
        return configs.read(name, resource);
    }

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
        shareWithReplicas();
        return table.load(name, mode);
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
        return table.awaitReady(name, timeout);
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
        return table.unload(name, mode, retire);
    }

    /**
     * Calls an action with positional arguments.
     *
     * @param action {@code module.action}
     * @param args   positional arguments
     * @return the action's result
     * @throws ActionException naming the loaded actions when the action is unknown, or carrying the action's error
     */
    public Object call(String action, Object... args) {
        return table.callPositional(action, args);
    }

    /**
     * Calls an action with keyword arguments.
     *
     * @param action {@code module.action}
     * @param kwargs keyword arguments
     * @return the action's result
     */
    public Object call(String action, Map<String, Object> kwargs) {
        return table.call(action, new Arguments(List.of(), kwargs));
    }

    /**
     * Calls an action.
     *
     * @param action    {@code module.action}
     * @param arguments positional and keyword arguments
     * @return the action's result
     */
    public Object call(String action, Arguments arguments) {
        return table.call(action, arguments);
    }

    /**
     * Chooses the placement policy: {@code Default} (manual placement only), {@code Evaluation} or
     * {@code Adaptive}. A policy runs on its own daemon ({@code jsorc-action-policy}, every {@code tick_ms}, default
     * 200 ms), never on a caller's thread, and uses the request benchmark while it evaluates.
     *
     * @param name   the policy's name
     * @param params its parameters
     * @throws IllegalArgumentException naming the known policies when the name is unknown
     * @throws IllegalStateException    among replicas, when the config store could not take the choice
     */
    public void policy(String name, Map<String, Object> params) {
        ensureOpen();
        shareWithReplicas();
        policies.select(name, params);
    }

    /** {@return the names {@link #policy(String, Map)} takes: {@code Adaptive}, {@code Default}, {@code Evaluation}} */
    public static java.util.Set<String> policyNames() {
        return PolicyRunner.NAMES;
    }

    /**
     * Describes the policy in force.
     *
     * @return its {@code name} and its {@code params} (with its state)
     */
    public Map<String, Object> policy() {
        return policies.describe();
    }

    /**
     * Starts recording the system every regeneration interval ({@code JSORC_CONFIG.backoff_interval}, 10 s without
     * it): each entry holds {@code ts}, {@code actions_state} and {@code prometheus} (the pods of the kube namespace,
     * from the {@code prome} service); while that service is not running, the JVM's own CPU, heap and threads are
     * recorded instead, and the entry says so. Runs on its own daemon: it never stops the regeneration loop.
     */
    public void trackSystemStart() {
        trackSystemStart(SystemTracker.defaultInterval(owner));
    }

    /**
     * Starts recording the system at a given interval (see {@link #trackSystemStart()}).
     *
     * @param interval how often to record
     */
    public void trackSystemStart(Duration interval) {
        ensureOpen();
        system.start(owner, interval); // refused there too when a close raced this
    }

    /**
     * Stops recording the system.
     *
     * @return the entries recorded since {@link #trackSystemStart()} (empty when not tracking)
     */
    public List<Map<String, Object>> trackSystemStop() {
        return system.stop();
    }

    /**
     * Reports what system tracking recorded so far, tracking on.
     *
     * @return the entries recorded since {@link #trackSystemStart()} (empty when not tracking)
     */
    public List<Map<String, Object>> trackSystemReport() {
        return system.snapshot();
    }

    /** {@return whether system tracking is recording} */
    public boolean trackingSystem() {
        return system.active();
    }

    /**
     * Gives a module's config.
     *
     * @param name the module name
     * @return its config (given in code, from a resource, or in {@value #CONFIG_KEY}), or empty when it has none
     */
    public java.util.Optional<ActionConfig> configOf(String name) {
        return configs.isConfigured(name) ? java.util.Optional.of(configs.of(name)) : java.util.Optional.empty();
    }

    /**
     * Lists the configured modules, loaded or not.
     *
     * @return the names configured in code, from resources, or in {@value #CONFIG_KEY}, sorted
     */
    public java.util.Set<String> configured() {
        return configs.names();
    }

    /** {@return whether calls and placement changes are being tracked ({@link #trackActionsStart()} not stopped)} */
    public boolean trackingActions() {
        return tracker.active();
    }

    /** {@return whether request latencies are being recorded ({@link #benchmarkStart()} not stopped)} */
    public boolean benchmarking() {
        return benchmark.active();
    }

    /** Starts counting calls per action and recording placement changes. */
    public void trackActionsStart() {
        tracker.start(table.actionsState());
    }

    /**
     * Stops counting calls and recording placement changes.
     *
     * @return the history since {@link #trackActionsStart()}: {@code {ts, actions_state}} per placement change, and
     * a last entry with {@code actions_calls: {action: {count, mean_ms}}}; empty when not tracking
     */
    public List<Map<String, Object>> trackActionsStop() {
        return tracker.stop(table.actionsState());
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
                // The same bound as the benchmark's: names become metric labels.
                events.requested(new MetricsEvents.Request(benchmark.bounded(type), benchmark.bounded(name), nanos));
            }
        };
    }

    /** Starts recording request latencies (clears earlier ones). */
    public void benchmarkStart() {
        benchmark.start();
    }

    /**
     * Reports the request latencies recorded since {@link #benchmarkStart()}.
     *
     * @return per request type, per name and {@code all}: count, throughput (req/s since start), average and
     * p50/p90/p95/p99 latency in ms; empty when not benchmarking
     */
    public Map<String, Object> benchmarkReport() {
        return benchmark.report();
    }

    /**
     * Stops recording request latencies.
     *
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

    /**
     * Reports where a module runs.
     *
     * @param name the module name
     * @return its status
     * @throws ActionException when it is not loaded
     */
    public ActionStatus status(String name) {
        if (!table.loadedModules().contains(name) && configs.isConfigured(name)) {
            return ActionStatus.unloaded(name);
        }
        return table.status(name);
    }

    /**
     * Reports where every loaded module runs.
     *
     * @return the status of every loaded module, by name
     */
    public Map<String, ActionStatus> status() {
        return table.status();
    }

    /** How long {@link #close()} waits for remote starts under way to retire what they launched. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(20);

    /**
     * Unloads everything: remote servers are retired, module class loaders closed, and starts under way retire what
     * they launch before this returns (waiting at most 20 s). Loads racing with it are refused. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        policies.stop();
        system.close();
        table.close();
        starter.close();
        table.unloadAll();
        starter.awaitIdle(CLOSE_WAIT);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ActionManager is closed");
        }
    }

    @Override
    public String toString() {
        return "ActionManager" + status().keySet();
    }
}
