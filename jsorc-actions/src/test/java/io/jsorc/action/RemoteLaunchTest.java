package io.jsorc.action;

import io.jsorc.Orchestrator;
import io.jsorc.fixtures.actions.Calc;
import io.jsorc.fixtures.actions.FailsInChild;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A child JVM starts where {@code java.class.path} does not name JsOrc, and a failed start says why. */
class RemoteLaunchTest {

    private Orchestrator orchestrator;
    private ActionManager actions;

    @BeforeEach
    void start() {
        orchestrator = Orchestrator.builder().scanPackages().build();
        actions = orchestrator.get("action_manager", ActionManager.class);
    }

    @AfterEach
    void close() {
        orchestrator.close();
    }

    @Test
    void theChildClassPathComesFromWhereTheClassesAreNotFromJavaClassPath() throws Exception {
        // As under mvn exec:java: java.class.path names the launcher's jars, not the application's.
        String original = System.getProperty("java.class.path");
        System.setProperty("java.class.path", "/nonexistent/plexus-classworlds.jar");
        try {
            actions.config("calc", ActionConfig.of(Calc.class));
            actions.load("calc", ActionMode.REMOTE);
            ActionStatus ready = actions.awaitReady("calc", Duration.ofSeconds(60));
            assertThat(ready.remoteStatus()).as(ready.detail()).isEqualTo("READY");
        } finally {
            System.setProperty("java.class.path", original);
        }
        assertThat(actions.call("calc.add", 2, 3)).isEqualTo(5);
    }

    @Test
    void aFailedStartQuotesTheEndOfTheChildsLog() {
        actions.config("fails_in_child", new ActionConfig(FailsInChild.class.getName(), null, 0,
                Map.of("keep_logs", false)));
        actions.load("fails_in_child", ActionMode.REMOTE);
        await().atMost(Duration.ofSeconds(60)).until(() -> "FAILED".equals(actions.status("fails_in_child")
                .remoteStatus()));
        String detail = actions.status("fails_in_child").detail();
        System.out.println("failed start: " + detail);
        assertThat(detail).contains("its log ends with").contains("marker-7f3a");
    }

    @Test
    void aWronglyTypedArgumentIsTheCallersMistakeLocallyAndRemotely() throws Exception {
        actions.config("calc", ActionConfig.of(Calc.class));
        actions.load("calc", ActionMode.LOCAL);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> actions.call("calc.add", "two", 3))
                .isInstanceOf(ActionArgumentException.class).hasMessageContaining("Argument 'a' of action 'add'");
        actions.load("calc", ActionMode.REMOTE);
        actions.awaitReady("calc", Duration.ofSeconds(60));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> actions.call("calc.add", "two", 3))
                .isInstanceOf(ActionArgumentException.class).hasMessageContaining("HTTP 400")
                .hasMessageContaining("Argument 'a' of action 'add'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> actions.call("calc.add", 2.5, 3))
                .as("a fraction is not truncated by the remote server either").isInstanceOf(ActionArgumentException.class)
                .hasMessageContaining("HTTP 400");
    }

    @Test
    void aListParameterGetsItsElementTypeLocallyAndRemotely() throws Exception {
        actions.config("calc", ActionConfig.of(Calc.class));
        actions.load("calc", ActionMode.LOCAL);
        // Integers for a List<Double>: converted, not handed over to fail with a ClassCastException inside.
        org.assertj.core.api.Assertions.assertThat(actions.call("calc.mean", List.of(1, 2, 3))).isEqualTo(2.0);
        actions.load("calc", ActionMode.REMOTE);
        actions.awaitReady("calc", Duration.ofSeconds(60));
        org.assertj.core.api.Assertions.assertThat(actions.call("calc.mean", List.of(1, 2, 4))).isEqualTo(7 / 3.0);
    }

    @Test
    void aParkedServerServesAReloadUnderItsOwnConfigOnly() throws Exception {
        actions.config("calc", ActionConfig.of(Calc.class));
        actions.load("calc", ActionMode.REMOTE);
        actions.awaitReady("calc", Duration.ofSeconds(60));
        long first = ((Number) actions.call("calc.pid")).longValue();
        actions.unload("calc", UnloadMode.REMOTE, false); // parked for a fast reload
        actions.load("calc", ActionMode.REMOTE);
        actions.awaitReady("calc", Duration.ofSeconds(60));
        assertThat(((Number) actions.call("calc.pid")).longValue()).as("the same config: the parked server")
                .isEqualTo(first);

        actions.unload("calc", UnloadMode.REMOTE, false);
        actions.config("calc", new ActionConfig(Calc.class.getName(), null, 0, Map.of("env", Map.of("LEVEL", 2))));
        actions.load("calc", ActionMode.REMOTE);
        actions.awaitReady("calc", Duration.ofSeconds(60));
        long second = ((Number) actions.call("calc.pid")).longValue();
        assertThat(second).as("another config: a new server, launched with it").isNotEqualTo(first);
        await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(first).map(p -> !p.isAlive())
                .orElse(true));
    }

    @Test
    void theStatusOfAnUnloadedModuleSaysSoAndAnUnknownNameStillThrows() {
        actions.config("calc", ActionConfig.of(Calc.class));
        assertThat(actions.status("calc")).isEqualTo(ActionStatus.unloaded("calc"));
        actions.load("calc", ActionMode.LOCAL);
        assertThat(actions.status("calc").mode()).isEqualTo(ActionMode.LOCAL);
        actions.unload("calc", UnloadMode.AUTO, true);
        ActionStatus after = actions.status("calc");
        assertThat(after.mode()).isNull();
        assertThat(after.localLoaded()).isFalse();
        assertThat(after.detail()).isEqualTo("not loaded");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> actions.status("nope"))
                .isInstanceOf(ActionException.class);
    }

    @Test
    void closingWithARemoteModuleDoesNotWaitOutAnIdleServer() throws Exception {
        actions.config("calc", ActionConfig.of(Calc.class));
        actions.load("calc", ActionMode.REMOTE);
        actions.awaitReady("calc", Duration.ofSeconds(60));
        assertThat(actions.call("calc.add", 1, 1)).isEqualTo(2);
        long t0 = System.nanoTime();
        orchestrator.close();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("close() with one idle remote module: " + millis + " ms");
        assertThat(millis).as("close took").isLessThan(5_000);
    }

    @Test
    void unloadingDoesNotWaitForeverForAStuckCall() throws Exception {
        actions.config("calc", new ActionConfig(Calc.class.getName(), null, 0, Map.of("drain_timeout_ms", 300)));
        actions.load("calc", ActionMode.LOCAL);
        Thread caller = new Thread(() -> {
            try {
                actions.call("calc.slow", 10_000);
            } catch (RuntimeException e) {
                // interrupted at the end of the test
            }
        }, "test-stuck-caller");
        caller.setDaemon(true);
        caller.start();
        Thread.sleep(200); // the call is running
        long t0 = System.nanoTime();
        UnloadResult result = actions.unload("calc", UnloadMode.LOCAL, true);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("unload with a stuck call took " + millis + " ms: " + result.message());
        assertThat(result.success()).isTrue();
        assertThat(result.message()).contains("1 call(s) were still running after 300 ms");
        assertThat(millis).isLessThan(5_000);
        caller.interrupt();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "module {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"calc", "keeper"})
    void theActionServerGoesWithAHostKilledBySigkill(String module) throws Exception {
        // keeper starts a thread of its own that is no daemon: the server's JVM must end all the same.
        String javaBin = System.getProperty("java.home") + java.io.File.separator + "bin" + java.io.File.separator
                + "java";
        Process host = new ProcessBuilder(javaBin, "-Djsorc.shutdownHook=false", "-cp",
                System.getProperty("java.class.path"), io.jsorc.fixtures.actions.RemoteHostMain.class.getName(), module)
                .redirectErrorStream(true).start();
        long serverPid = -1;
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                host.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            String line;
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                if (line.startsWith("SERVER_PID=")) {
                    serverPid = Long.parseLong(line.substring("SERVER_PID=".length()).trim());
                    break;
                }
            }
            assertThat(serverPid).as("the host printed its action server's pid").isPositive();
            assertThat(ProcessHandle.of(serverPid).map(ProcessHandle::isAlive)).contains(true);
            java.nio.file.Path folder = launchFolderOf(serverPid);
            assertThat(folder).as("the launcher's folder (port file, log)").isDirectory();
            host.destroyForcibly(); // SIGKILL: no shutdown hook, nothing retired
            host.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            long killed = System.nanoTime();
            long pid = serverPid;
            await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive())
                    .orElse(true));
            System.out.println("action server gone " + (System.nanoTime() - killed) / 1_000_000
                    + " ms after its host was SIGKILLed");
            // Its folder went with it: the killed host never retires it, and a temp folder per crash piled up.
            assertThat(folder).doesNotExist();
        } finally {
            host.destroyForcibly();
            if (serverPid > 0) {
                ProcessHandle.of(serverPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** {@return the folder the launcher made for a running server (Linux: from its environment in /proc)} */
    private static java.nio.file.Path launchFolderOf(long serverPid) throws java.io.IOException {
        String environ = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + serverPid + "/environ"),
                java.nio.charset.StandardCharsets.UTF_8);
        for (String variable : environ.split("\0")) {
            if (variable.startsWith(ActionServer.PORT_FILE_ENV + "=")) {
                return java.nio.file.Path.of(variable.substring(ActionServer.PORT_FILE_ENV.length() + 1)).getParent();
            }
        }
        throw new AssertionError("no " + ActionServer.PORT_FILE_ENV + " in the server's environment");
    }

    @Test
    void aClassWithoutActionModuleIsRefusedBeforeItsStaticInitialiserRuns(@org.junit.jupiter.api.io.TempDir
                                                                        java.nio.file.Path dir) {
        java.nio.file.Path marker = dir.resolve("ran");
        System.setProperty("jsorc.test.marker", marker.toString());
        try {
            actions.config("evil", new ActionConfig("io.jsorc.fixtures.actions.NotAModule", null, 0, Map.of()));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> actions.load("evil", ActionMode.LOCAL))
                    .isInstanceOf(ActionException.class).hasMessageContaining("is not annotated @ActionModule");
            assertThat(marker).as("the refused class's static initialiser wrote its file").doesNotExist();
        } finally {
            System.clearProperty("jsorc.test.marker");
        }
    }
}
