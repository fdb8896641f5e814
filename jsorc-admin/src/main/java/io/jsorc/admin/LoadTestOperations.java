package io.jsorc.admin;

import io.jsorc.action.ActionManager;
import io.jsorc.action.ActionMode;
import io.jsorc.action.UnloadMode;
import io.jsorc.base.DaemonThreads;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The {@code jsorc_loadtest} operation: runs a registered {@link LoadTest} under a placement ({@code all_local},
 * {@code all_remote}) or a placement policy ({@code Evaluation}, {@code Adaptive}, ...) on its own daemon, and answers
 * {@code {test: {policy: {walker_level, action_level}}}}. One at a time: a second request while one runs is a 409.
 */
final class LoadTestOperations {

    /** The placements a test may run under besides the placement policies. */
    private static final Set<String> PLACEMENTS = Set.of("all_local", "all_remote");

    /** How long a remote module may take to answer before the run starts. */
    static final Duration REMOTE_READY = Duration.ofSeconds(60);

    private final Supplier<ActionManager> actions;
    private final Supplier<Map<String, LoadTest>> tests;
    /**
     * The load test running in this orchestrator, shared by the admin servers its refreshes start: a test that does
     * not end when its server stops must still keep a second one from running beside it.
     */
    private final AtomicReference<Thread> running;

    /** The orchestrator's one guard, kept in its shared state. */
    static AtomicReference<Thread> guardOf(io.jsorc.ComponentContext components) {
        RunningLoadTest guard = components.shared(RunningLoadTest.class, RunningLoadTest::new);
        return guard.thread;
    }

    /** Holds the running load test's thread. */
    private static final class RunningLoadTest {
        final AtomicReference<Thread> thread = new AtomicReference<>();
    }

    LoadTestOperations(Supplier<ActionManager> actions, ClassLoader loader, AtomicReference<Thread> running) {
        this.actions = actions;
        this.running = running;
        this.tests = () -> {
            Map<String, LoadTest> found = new TreeMap<>();
            ServiceLoader.load(LoadTest.class, loader).forEach(test -> found.put(test.name(), test));
            return found;
        };
    }

    void addTo(OperationTable table) {
        table.add("jsorc_loadtest", this::run);
    }

    /** Stops a run in progress (the admin service is stopping). */
    void stop() {
        Thread thread = running.get();
        if (thread != null) {
            DaemonThreads.interruptAndJoin(thread, Duration.ofSeconds(10));
        }
    }

    private Map<String, Object> run(Params params) throws Exception {
        String name = params.text("test");
        Map<String, LoadTest> known = tests.get();
        LoadTest test = known.get(name);
        if (test == null) {
            throw AdminException.notFound("Unknown load test '" + name + "'; registered: " + known.keySet());
        }
        String policy = params.text("policy", "all_local");
        if (!PLACEMENTS.contains(policy) && !ActionManager.policyNames().contains(policy)) {
            // Refused before anything is loaded or changed.
            throw AdminException.badRequest("Policy " + policy + " not found; allowed: all_local, all_remote, "
                    + String.join(", ", ActionManager.policyNames()));
        }
        long seconds = params.number("experiment_duration", 180, 1, 86_400);
        Map<String, Object> policyParams = new LinkedHashMap<>();
        policyParams.put("eval_phase", params.number("eval_phase", 10, 1, 86_400));
        policyParams.put("perf_phase", params.number("perf_phase", 100, 1, 86_400));
        long memory = params.number("mem", 0, 0, Long.MAX_VALUE);
        if (memory > 0) {
            policyParams.put("node_mem_mb", memory);
        }
        refuseTakingOverTheOperatorsRecording(actions.get());
        CompletableFuture<Map<String, Object>> result = new CompletableFuture<>();
        Thread thread = DaemonThreads.factory("jsorc-admin-loadtest").newThread(() -> {
            try {
                result.complete(execute(test, policy, seconds, policyParams));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            } finally {
                running.set(null);
            }
        });
        if (!running.compareAndSet(null, thread)) {
            throw AdminException.conflict("A load test is running already; one at a time");
        }
        thread.start();
        try {
            Map<String, Object> byPolicy = new LinkedHashMap<>();
            byPolicy.put(policy, result.get());
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put(name, byPolicy);
            return answer;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AdminException refusal) {
                throw refusal;
            }
            throw new IllegalStateException("Load test " + name + " failed: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            thread.interrupt();
            throw e;
        }
    }

    /**
     * A load test measures with the benchmark and the action tracker, which it starts afresh and stops: one an
     * operator started would lose what it recorded, and be left stopped. Refused instead (409), before anything
     * changes. A benchmark running under a placement policy is the policy's own (it is put back afterwards).
     */
    private static void refuseTakingOverTheOperatorsRecording(ActionManager manager) {
        if (manager.trackingActions()) {
            throw AdminException.conflict("Action tracking is running (trackact start): a load test would take it "
                    + "over and lose what it recorded; stop it first (trackact stop), then run the load test");
        }
        if (manager.benchmarking() && "Default".equals(String.valueOf(manager.policy().get("name")))) {
            throw AdminException.conflict("A benchmark is running (benchmark start): a load test would take it over "
                    + "and lose its samples; stop it first (benchmark stop), then run the load test");
        }
    }

    private Map<String, Object> execute(LoadTest test, String policy, long seconds, Map<String, Object> params)
            throws Exception {
        ActionManager manager = actions.get();
        // What the operator had: put back afterwards. Modules loaded before stay loaded (where the test put them).
        Map<String, Object> policyBefore = manager.policy();
        Set<String> loadedBefore = Set.copyOf(manager.status().keySet());
        Set<String> modules = test.prepare(manager);
        ActionMode mode = policy.equals("all_remote") ? ActionMode.REMOTE : ActionMode.LOCAL;
        try {
            for (String module : modules) {
                manager.load(module, mode);
            }
            if (mode == ActionMode.REMOTE) {
                for (String module : modules) {
                    manager.awaitReady(module, REMOTE_READY);
                }
            }
            if (!PLACEMENTS.contains(policy)) {
                manager.policy(policy, params);
            }
            manager.benchmarkStop(false);
            manager.trackActionsStop();
            manager.benchmarkStart();
            manager.trackActionsStart();
            test.drive(manager, Instant.now().plusSeconds(seconds));
            Map<String, Object> levels = new LinkedHashMap<>();
            levels.put("walker_level", manager.benchmarkStop(true));
            levels.put("action_level", manager.trackActionsStop());
            return levels;
        } finally {
            restorePolicy(manager, policyBefore);
            for (String module : modules) {
                if (!loadedBefore.contains(module)) {
                    manager.unload(module, UnloadMode.AUTO, true);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void restorePolicy(ActionManager manager, Map<String, Object> before) {
        Object params = before.get("params");
        manager.policy(String.valueOf(before.get("name")), params instanceof Map<?, ?> map
                ? (Map<String, Object>) map : Map.of());
    }
}
