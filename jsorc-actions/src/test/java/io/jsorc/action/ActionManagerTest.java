package io.jsorc.action;

import io.jsorc.JsOrc;
import io.jsorc.Orchestrator;
import io.jsorc.fixtures.actions.Calc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Local modules in this JVM, remote ones as real child JVMs over loopback HTTP. */
class ActionManagerTest {

    private Orchestrator orchestrator;
    private ActionManager actions;

    @BeforeEach
    void build() {
        orchestrator = Orchestrator.builder().scanPackages().build();
        actions = orchestrator.get("action_manager", ActionManager.class);
        actions.config("calc", ActionConfig.of(Calc.class));
    }

    @AfterEach
    void close() {
        orchestrator.close(); // closes the persisting action manager: child JVMs retired
    }

    @Test
    void positionalCallsPassFittingArgumentsAsTheyAreAndConvertTheRest() {
        actions.load("calc", ActionMode.LOCAL);
        Object[] args = {2L, "3"};
        assertThat(actions.call("calc.add", args)).isEqualTo(5); // converted: a long and a numeric string
        assertThat(args).containsExactly(2L, "3"); // the caller's array is never modified
        assertThat(actions.call("calc.add", 2, 3)).isEqualTo(5); // the fast path
        assertThatThrownBy(() -> actions.call("calc.add", 2, null)).isInstanceOf(ActionArgumentException.class)
                .hasMessageContaining("'b'");
        assertThatThrownBy(() -> actions.call("calc.add", 2.5, 3)).as("never truncated to 2")
                .isInstanceOf(ActionArgumentException.class).hasMessageContaining("Argument 'a'");
        assertThatThrownBy(() -> actions.call("calc.add", 1, 2, 3)).isInstanceOf(ActionArgumentException.class)
                .hasMessageContaining("positional");
    }

    @Test
    void aServerThatComesUpAfterALocalLoadDoesNotTakeTheCallsBack() throws Exception {
        actions.load("calc", ActionMode.REMOTE); // a child JVM starting: a second or so
        actions.load("calc", ActionMode.LOCAL); // asked for meanwhile
        assertThat(actions.awaitReady("calc", Duration.ofSeconds(60)).remoteStatus()).isEqualTo("READY");
        assertThat(actions.status("calc").mode()).as("calls stay where they were last asked to go")
                .isEqualTo(ActionMode.LOCAL);
        assertThat(actions.call("calc.pid")).isEqualTo(ProcessHandle.current().pid());
        actions.load("calc", ActionMode.REMOTE); // asked for again: the ready server takes them
        assertThat(actions.status("calc").mode()).isEqualTo(ActionMode.REMOTE);
    }

    @Test
    void aLoadedModuleTakesANewConfigOnlyThroughAnUnload() {
        actions.load("calc", ActionMode.LOCAL);
        actions.config("calc", new ActionConfig(Calc.class.getName(), null, 64, Map.of("timeout_ms", 1234)));
        assertThatThrownBy(() -> actions.load("calc", ActionMode.REMOTE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("loaded with another config").hasMessageContaining("unload it first");
        assertThat(actions.status("calc").memoryEstimateMb()).as("still the config it was loaded with")
                .isNotEqualTo(64);
        actions.unload("calc", UnloadMode.LOCAL, true);
        actions.load("calc", ActionMode.LOCAL);
        assertThat(actions.status("calc").memoryEstimateMb()).isEqualTo(64);
    }

    @Test
    void theManagerIsThePersistingContextBehindJsOrcActions() {
        Orchestrator previous = JsOrc.install(orchestrator);
        try {
            assertThat(JsOrc.get("action_manager", ActionManager.class)).isSameAs(actions).isSameAs(orchestrator.get("action_manager"));
        } finally {
            JsOrc.install(previous);
        }
    }

    @Test
    void configsComeFromResourcesAndTheConfigStore() {
        assertThat(actions.configFrom("fromyaml", "actions/calc.yaml")).isTrue();
        assertThat(actions.configFrom("missing", "actions/none.yaml")).isFalse();
        assertThat(actions.load("fromyaml", ActionMode.LOCAL).memoryEstimateMb()).isEqualTo(128);
        assertThat(actions.call("fromyaml.add", 1, 1)).isEqualTo(2);

        orchestrator.configSet(ActionManager.CONFIG_KEY, "{\"stored\": {\"module\": \"" + Calc.class.getName()
                + "\", \"local_mem_mb\": 7}}");
        assertThat(actions.load("stored", ActionMode.LOCAL).memoryEstimateMb()).isEqualTo(7);
        assertThat(actions.call("stored.add", 2, 2)).isEqualTo(4);
        assertThatThrownBy(() -> new ActionConfig("", null, 0, Map.of())).hasMessageContaining("'module'");
    }

    @Test
    void aModuleFromAJarLoadsInItsOwnClassLoaderAndUnloadingFreesIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path source = dir.resolve("src/plug/Greeter.java");
        java.nio.file.Files.createDirectories(source.getParent());
        java.nio.file.Files.writeString(source, "package plug;\n"
                + "@io.jsorc.action.ActionModule(\"greeter\") public class Greeter {\n"
                + "  @io.jsorc.action.Action public String hello(String who) { return \"hello \" + who; }\n}\n");
        java.nio.file.Path classes = dir.resolve("classes");
        java.nio.file.Files.createDirectories(classes);
        assertThat(javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-proc:none", "-parameters",
                "-d", classes.toString(), "-cp", System.getProperty("java.class.path"), source.toString())).isZero();
        java.nio.file.Path jar = dir.resolve("greeter.jar");
        try (var out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry("plug/Greeter.class"));
            out.write(java.nio.file.Files.readAllBytes(classes.resolve("plug/Greeter.class")));
            out.closeEntry();
        }
        actions.config("greeter", new ActionConfig("plug.Greeter", jar.toString(), 1, Map.of()));
        actions.load("greeter", ActionMode.LOCAL);
        assertThat(actions.call("greeter.hello", "jar")).isEqualTo("hello jar");
        java.lang.ref.WeakReference<ClassLoader> loader = new java.lang.ref.WeakReference<>(loaderOf("greeter"));
        assertThat(loader.get()).isInstanceOf(java.net.URLClassLoader.class);
        assertThat(actions.unload("greeter", UnloadMode.LOCAL, false).success()).isTrue();
        for (int i = 0; i < 50 && loader.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(loader.get()).as("the module's class loader is collected after unloading").isNull();
    }

    private ClassLoader loaderOf(String module) {
        return actions.table.get(module).local.loader;
    }

    @Test
    void loadLocalCallUnload() {
        ActionStatus status = actions.load("calc", ActionMode.LOCAL);
        assertThat(status.mode()).isEqualTo(ActionMode.LOCAL);
        assertThat(actions.call("calc.add", 2, 3)).isEqualTo(5);
        assertThat(actions.load("calc", ActionMode.MODULE).loadedAt()).isEqualTo(status.loadedAt()); // no-op
        assertThat(actions.unload("calc", UnloadMode.REMOTE, false))
                .isEqualTo(new UnloadResult(false, "Action is not loaded as remote."));
        assertThat(actions.unload("calc", UnloadMode.AUTO, false).success()).isTrue();
        assertThat(actions.unload("calc", UnloadMode.AUTO, false))
                .isEqualTo(new UnloadResult(false, "Action is not loaded."));
        assertThatThrownBy(() -> actions.call("calc.add", 1, 2)).isInstanceOf(ActionException.class)
                .hasMessageContaining("No loaded action 'calc.add'");
    }

    @Test
    void unknownActionsAndBadArgumentsAreNamed() {
        actions.load("calc", ActionMode.LOCAL);
        assertThatThrownBy(() -> actions.call("calc.nope")).isInstanceOf(ActionException.class)
                .hasMessageContaining("'calc.nope'").hasMessageContaining("calc.add").hasMessageContaining("calc.shape");
        assertThatThrownBy(() -> actions.call("calc.add", 1, 2, 3)).isInstanceOf(ActionException.class)
                .hasMessageContaining("takes 2 positional arguments but 3 were given");
        assertThatThrownBy(() -> actions.call("calc.add", Arguments.of(1).with("a", 2)))
                .hasMessageContaining("multiple values for 'a'");
        assertThatThrownBy(() -> actions.call("calc.add", Map.of("a", 1, "z", 2)))
                .hasMessageContaining("no parameter 'z'");
        assertThatThrownBy(() -> actions.call("calc.fail", "boom")).hasMessageContaining("boom");
        assertThatThrownBy(() -> actions.load("nope", ActionMode.LOCAL)).hasMessageContaining("No config")
                .hasMessageContaining("calc");
    }

    @Test
    void argumentsBindLikePython() {
        ActionMethod shape = ActionSpec.of(Calc.class).action("shape");
        Arguments six = Arguments.of(1, 2, 3, 4, 5, 6).with("e", 7).with("f", 8);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", 1);
        expected.put("b", 2);
        expected.put("c", 3);
        expected.put("*d", List.of(4, 5, 6));
        expected.put("e", 7);
        expected.put("f", 8);
        assertThat(shape.toWire(six)).isEqualTo(expected);
        assertThat(new ArrayList<>(shape.toWire(six).keySet())).containsExactly("a", "b", "c", "*d", "e", "f");
        // Nulls are omitted from the wire.
        assertThat(shape.toWire(Arguments.of(1, null, 3))).isEqualTo(Map.of("a", 1, "c", 3));
        ActionMethod keywords = ActionSpec.of(Calc.class).action("keywords");
        assertThat(keywords.toWire(Arguments.of(1).with("x", 2).with("y", 3)))
                .isEqualTo(Map.of("a", 1, "**g", Map.of("x", 2, "y", 3)));
        assertThat(shape.fromWire(shape.toWire(six))).satisfies(args ->
                assertThat(shape.toWire(args)).isEqualTo(expected));
        assertThat(ActionSpec.of(Calc.class).names()).contains("shape", "shape_alias");
    }

    @Test
    void aRestThatIsNoArrayOrKeywordsThatAreNoObjectAreRefusedNotDropped() {
        ActionMethod shape = ActionSpec.of(Calc.class).action("shape");
        assertThatThrownBy(() -> shape.fromWire(Map.of("a", 1, "*d", 5))).isInstanceOf(ActionArgumentException.class)
                .hasMessageContaining("Argument '*d' of action 'shape' must be a JSON array")
                .hasMessageContaining("not a JSON number");
        ActionMethod keywords = ActionSpec.of(Calc.class).action("keywords");
        assertThatThrownBy(() -> keywords.fromWire(Map.of("a", 1, "**g", List.of(1))))
                .isInstanceOf(ActionArgumentException.class)
                .hasMessageContaining("Argument '**g' of action 'keywords' must be a JSON object")
                .hasMessageContaining("not a JSON array");
    }

    @Test
    void remoteServesTheSameResultsAsLocalAndRetiringEndsTheChildJvm() throws Exception {
        actions.load("calc", ActionMode.LOCAL);
        Arguments six = Arguments.of(1, 2, 3, 4, 5, 6).with("e", 7).with("f", 8);
        Object localShape = actions.call("calc.shape", six);
        Object localKeywords = actions.call("calc.keywords", Arguments.of("x").with("k", List.of(1, 2)));
        long localPid = ((Number) actions.call("calc.pid")).longValue();

        ActionStatus starting = actions.load("calc", ActionMode.REMOTE);
        assertThat(starting.remoteStatus()).isIn("STARTING", "READY");
        ActionStatus ready = actions.awaitReady("calc", Duration.ofSeconds(60));
        assertThat(ready.remoteStatus()).isEqualTo("READY");
        assertThat(ready.mode()).isEqualTo(ActionMode.REMOTE);
        assertThat(ready.remoteUrl()).startsWith("http://127.0.0.1:");

        long remotePid = ((Number) actions.call("calc.pid")).longValue();
        assertThat(remotePid).isNotEqualTo(localPid);
        assertThat(actions.call("calc.shape", six)).isEqualTo(localShape);
        assertThat(actions.call("calc.shape_alias", six)).isEqualTo(localShape);
        assertThat(actions.call("calc.keywords", Arguments.of("x").with("k", List.of(1, 2)))).isEqualTo(localKeywords);
        assertThat(actions.call("calc.add", Map.of("a", 20, "b", 22))).isEqualTo(42);
        assertThatThrownBy(() -> actions.call("calc.fail", "remote boom")).isInstanceOf(ActionException.class)
                .hasMessageContaining("remote boom").hasMessageContaining("HTTP 500");

        assertThat(actions.unload("calc", UnloadMode.LOCAL, false).success()).isTrue();
        assertThat(actions.call("calc.add", 1, 1)).isEqualTo(2); // still served remotely
        assertThat(actions.unload("calc", UnloadMode.REMOTE, true).success()).isTrue();
        await().atMost(Duration.ofSeconds(15)).until(() -> ProcessHandle.of(remotePid).map(p -> !p.isAlive())
                .orElse(true));
        assertThat(actions.status()).isEmpty();
    }

    @Test
    void switchingPlacementWhileFourThreadsCallLosesNoCall() throws Exception {
        actions.load("calc", ActionMode.LOCAL);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong calls = new AtomicLong();
        List<Future<Long>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            workers.add(pool.submit(() -> {
                long mine = 0;
                while (!stop.get()) {
                    long n = mine;
                    Object sum = actions.call("calc.add", (int) (n % 1000), 1);
                    assertThat(sum).isEqualTo((int) (n % 1000) + 1); // any failure surfaces through the future
                    mine++;
                    calls.incrementAndGet();
                }
                return mine;
            }));
        }
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() > 1_000);
            actions.load("calc", ActionMode.REMOTE);
            actions.awaitReady("calc", Duration.ofSeconds(60));
            assertThat(actions.unload("calc", UnloadMode.LOCAL, false).success()).isTrue();
            long onRemote = calls.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() > onRemote + 200);
            actions.load("calc", ActionMode.LOCAL);
            assertThat(actions.unload("calc", UnloadMode.REMOTE, true).success()).isTrue();
            long backLocal = calls.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() > backLocal + 1_000);
        } finally {
            stop.set(true);
        }
        long counted = 0;
        for (Future<Long> worker : workers) {
            counted += worker.get(30, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        System.out.println("calls across LOCAL -> REMOTE -> LOCAL: " + counted);
        assertThat(counted).isEqualTo(calls.get());
        assertThat(actions.status("calc").mode()).isEqualTo(ActionMode.LOCAL);
    }

    @Test
    void aKilledRemoteServerIsRestartedAndServesAgain() throws Exception {
        actions.load("calc", ActionMode.REMOTE);
        actions.awaitReady("calc", Duration.ofSeconds(60));
        long first = ((Number) actions.call("calc.pid")).longValue();
        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(first).map(p -> !p.isAlive()).orElse(true));
        assertThatThrownBy(() -> actions.call("calc.add", 1, 2)).isInstanceOf(ActionException.class)
                .hasMessageContaining("did not answer");
        assertThat(actions.status("calc").detail()).contains("restart 1");
        actions.awaitReady("calc", Duration.ofSeconds(60));
        long second = ((Number) actions.call("calc.pid")).longValue();
        assertThat(second).isNotEqualTo(first);
        assertThat(actions.call("calc.add", 1, 2)).isEqualTo(3);
    }

    @Test
    void aKilledRemoteServerCanFallBackToLocal() throws Exception {
        actions.config("calc", new ActionConfig(Calc.class.getName(), null, 64, Map.of("on_failure", "local")));
        actions.load("calc", ActionMode.REMOTE);
        actions.awaitReady("calc", Duration.ofSeconds(60));
        long pid = ((Number) actions.call("calc.pid")).longValue();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThatThrownBy(() -> actions.call("calc.add", 1, 2)).isInstanceOf(ActionException.class);
        assertThat(actions.status("calc").mode()).isEqualTo(ActionMode.LOCAL);
        assertThat(actions.call("calc.pid")).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void aFallBackToLocalIsCheckedAgainstTheAllowListAsItIsNow() throws Exception {
        actions.config("calc", new ActionConfig(Calc.class.getName(), null, 64, Map.of("on_failure", "local")));
        actions.load("calc", ActionMode.REMOTE);
        actions.awaitReady("calc", Duration.ofSeconds(60));
        // Narrowed while the module runs remote: its class may no longer run anywhere, least of all in this JVM.
        orchestrator.configSet(ActionManager.CONFIG_KEY, "{\"allowed_packages\": [\"com.example.actions\"]}");
        long pid = ((Number) actions.call("calc.pid")).longValue();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThatThrownBy(() -> actions.call("calc.add", 1, 2)).isInstanceOf(ActionException.class);
        ActionStatus status = actions.status("calc");
        assertThat(status.mode()).as("no local copy: " + status).isNotEqualTo(ActionMode.LOCAL);
        assertThatThrownBy(() -> actions.call("calc.pid")).isInstanceOf(ActionException.class);
    }

    @Test
    void trackingCountsCallsAndRecordsPlacementChanges() throws Exception {
        actions.load("calc", ActionMode.LOCAL);
        actions.trackActionsStart();
        for (int i = 0; i < 5; i++) {
            actions.call("calc.add", i, 1);
        }
        actions.call("calc.slow", 20);
        actions.unload("calc", UnloadMode.LOCAL, false);
        actions.load("calc", ActionMode.LOCAL);
        List<Map<String, Object>> history = actions.trackActionsStop();
        assertThat(history).hasSizeGreaterThanOrEqualTo(3);
        assertThat(history.get(0).get("actions_state")).isEqualTo(Map.of("calc", "local"));
        Map<String, Object> last = history.get(history.size() - 1);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> calls = (Map<String, Map<String, Object>>) last.get("actions_calls");
        assertThat(calls.get("calc.add").get("count")).isEqualTo(5L);
        assertThat((Double) calls.get("calc.slow").get("mean_ms")).isGreaterThanOrEqualTo(19.0);
        assertThat(history).anySatisfy(e -> assertThat(e.get("actions_state")).isEqualTo(Map.of("calc", "unloaded")));
        assertThat(actions.trackActionsStop()).isEmpty();
    }

    @Test
    void requestsAreBenchmarkedPerTypeAndName() throws Exception {
        assertThat(actions.benchmarkStop(true)).isEmpty();
        actions.benchmarkStart();
        for (int i = 0; i < 3; i++) {
            try (var request = actions.request("walker_run", "init")) {
                Thread.sleep(5);
            }
        }
        Map<String, Object> report = actions.benchmarkStop(true);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> walker = (Map<String, Map<String, Object>>) report.get("walker_run");
        assertThat(walker).containsKeys("init", "all");
        assertThat(walker.get("all")).containsKeys("count", "throughput", "average", "50", "90", "95", "99")
                .containsEntry("count", 3L);
        assertThat((Double) walker.get("init").get("50")).isGreaterThanOrEqualTo(4.9);
        assertThat(actions.benchmarkReport()).isEmpty();
    }

    @Test
    void aKilledRemoteServerGivesClearErrorsWithinTheTimeout() throws Exception {
        actions.load("calc", ActionMode.REMOTE);
        actions.awaitReady("calc", Duration.ofSeconds(60));
        long pid = ((Number) actions.call("calc.pid")).longValue();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> actions.call("calc.add", 1, 2)).isInstanceOf(ActionException.class)
                .hasMessageContaining("did not answer");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
        assertThat(Arrays.asList(actions.unload("calc", UnloadMode.REMOTE, true).success())).containsExactly(true);
    }
}
