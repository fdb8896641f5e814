package io.jsorc.action;

import io.jsorc.Orchestrator;
import io.jsorc.action.remote.RemoteCallTimeoutException;
import io.jsorc.fixtures.actions.Calc;
import io.jsorc.fixtures.actions.HangsOnRestart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Remote faults with real child JVMs: a call timeout leaves the server alone, a killed server is restarted within
 * its budget, and a spent budget leaves the module FAILED (or on its local copy) with the reason in its status.
 */
class RemoteFaultsTest {

    private static final Duration START = Duration.ofSeconds(60);

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

    private long remotePid() {
        return ((Number) actions.call("calc.pid")).longValue();
    }

    private static void kill(long pid) {
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void aCallTimeoutNamesModuleAndActionAndDoesNotRestartTheServer() throws Exception {
        actions.config("calc", new ActionConfig(Calc.class.getName(), null, 0, Map.of("timeout_ms", 800)));
        actions.load("calc", ActionMode.REMOTE);
        ActionStatus ready = actions.awaitReady("calc", START);
        long pid = remotePid();

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> actions.call("calc.slow", 5_000)).isInstanceOf(RemoteCallTimeoutException.class)
                .hasMessageContaining("'calc.slow'").hasMessageContaining("module 'calc'")
                .hasMessageContaining("800 ms");
        System.out.println("timed-out call returned after " + (System.nanoTime() - t0) / 1_000_000 + " ms");

        ActionStatus after = actions.status("calc");
        assertThat(after.remoteStatus()).isEqualTo("READY");
        assertThat(after.remoteUrl()).isEqualTo(ready.remoteUrl());
        assertThat(after.detail()).isNull();
        assertThat(remotePid()).as("the same server answers").isEqualTo(pid);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        assertThat(actions.call("calc.add", 2, 2)).isEqualTo(4);
    }

    @Test
    void aTimeoutOnAServerThatHangsIsFollowedByAFailedHealthzAndARestart() throws Exception {
        actions.config("calc", new ActionConfig(Calc.class.getName(), null, 0, Map.of("timeout_ms", 800,
                "connect_timeout_ms", 500, "restart_backoff_ms", 100)));
        actions.load("calc", ActionMode.REMOTE);
        actions.awaitReady("calc", START);
        long hung = remotePid();
        // SIGSTOP: the process and its port stay, nothing answers (a frozen JVM, a GC pause that never ends).
        assertThat(new ProcessBuilder("kill", "-STOP", String.valueOf(hung)).start().waitFor()).isZero();
        try {
            // Arguments larger than the sockets' buffers (14 MiB, under the 16 MiB a server reads): the write itself
            // blocks on a server that reads nothing, and is bounded by the call's deadline as the read is.
            String large = "x".repeat(14 << 20);
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
                    assertThatThrownBy(() -> actions.call("calc.add", large, 2))
                            .isInstanceOf(RemoteCallTimeoutException.class).hasMessageContaining("'calc.add'"));
            assertThat(actions.status("calc").detail()).contains("restart 1")
                    .contains("GET /healthz did not answer either");
            assertThat(actions.awaitReady("calc", START).remoteStatus()).isEqualTo("READY");
            assertThat(remotePid()).isNotEqualTo(hung);
            await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(hung).map(p -> !p.isAlive())
                    .orElse(true)); // the hung server was retired (SIGKILL reaches a stopped process)
        } finally {
            ProcessHandle.of(hung).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void argumentsThatCannotBeSentLeaveTheServerAlone() throws Exception {
        // Jackson cannot write a bare Object: the caller's mistake, not a dead server to restart.
        aCallersMistakeLeavesTheServerAlone(ActionConfig.of(Calc.class), new Object(), "cannot be written as JSON");
    }

    @Test
    void argumentsLargerThanTheServerReadsAreRefusedBeforeSendingAndLeaveItAlone() throws Exception {
        // The server would answer 413 without reading the body, and the broken write would look like a dead server.
        aCallersMistakeLeavesTheServerAlone(new ActionConfig(Calc.class.getName(), null, 0,
                Map.of("max_body_bytes", 1024)), "x".repeat(5_000), "remote.max_body_bytes", "at most 1024");
    }

    /** Loads calc remotely, makes a call whose argument is the caller's mistake, and checks the server stays. */
    private void aCallersMistakeLeavesTheServerAlone(ActionConfig config, Object argument, String... message)
            throws InterruptedException {
        actions.config("calc", config);
        actions.load("calc", ActionMode.REMOTE);
        actions.awaitReady("calc", START);
        long pid = remotePid();
        assertThatThrownBy(() -> actions.call("calc.keywords", argument))
                .isInstanceOf(ActionArgumentException.class).hasMessageContainingAll(message);
        assertThat(actions.status("calc").remoteStatus()).isEqualTo("READY");
        assertThat(String.valueOf(actions.status("calc").detail())).as("no restart").doesNotContain("restart");
        assertThat(remotePid()).isEqualTo(pid);
    }

    @Test
    void aKilledServerIsRestartedAndServesAgain() throws Exception {
        actions.config("calc", new ActionConfig(Calc.class.getName(), null, 0, Map.of("restart_backoff_ms", 100)));
        actions.load("calc", ActionMode.REMOTE);
        String firstUrl = actions.awaitReady("calc", START).remoteUrl();
        long first = remotePid();
        kill(first);
        assertThatThrownBy(() -> actions.call("calc.add", 1, 2)).isInstanceOf(ActionException.class)
                .isNotInstanceOf(RemoteCallTimeoutException.class).hasMessageContaining("did not answer");
        assertThat(actions.status("calc").detail()).contains("restart 1").contains("3 restarts in 300000 ms");
        long t0 = System.nanoTime();
        ActionStatus again = actions.awaitReady("calc", START);
        System.out.println("restarted server ready after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertThat(again.remoteStatus()).isEqualTo("READY");
        assertThat(again.remoteUrl()).isNotEqualTo(firstUrl);
        assertThat(remotePid()).isNotEqualTo(first);
        assertThat(actions.call("calc.add", 1, 2)).isEqualTo(3);
    }

    @Test
    void fourKillsWithinTheWindowLeaveTheModuleFailedWithTheReason() throws Exception {
        actions.config("calc", new ActionConfig(Calc.class.getName(), null, 0, Map.of("restart_backoff_ms", 100)));
        actions.load("calc", ActionMode.REMOTE);
        actions.awaitReady("calc", START);
        long last = killFourTimes();
        ActionStatus failed = actions.status("calc");
        System.out.println("after 4 kills: " + failed);
        assertThat(failed.remoteStatus()).isEqualTo("FAILED");
        assertThat(failed.mode()).isNull();
        assertThat(failed.detail()).contains("restart budget spent").contains("3 restarts in 300000 ms")
                .contains("remote.restart_budget").contains("4 failures");
        assertThatThrownBy(() -> actions.call("calc.add", 1, 2)).isInstanceOf(ActionException.class)
                .hasMessageContaining("no placement that takes calls").hasMessageContaining("restart budget spent");
        // Nothing is restarted behind the caller's back.
        Thread.sleep(1_000);
        assertThat(actions.status("calc").remoteStatus()).isEqualTo("FAILED");
        assertThat(ProcessHandle.of(last).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        // An explicit load starts it anew.
        actions.load("calc", ActionMode.REMOTE);
        assertThat(actions.awaitReady("calc", START).remoteStatus()).isEqualTo("READY");
        assertThat(actions.call("calc.add", 1, 2)).isEqualTo(3);
    }

    @Test
    void fourKillsWithALocalCopyLeaveCallsOnTheLocalCopy() throws Exception {
        actions.config("calc", new ActionConfig(Calc.class.getName(), null, 0, Map.of("restart_backoff_ms", 100)));
        actions.load("calc", ActionMode.LOCAL);
        actions.load("calc", ActionMode.REMOTE);
        actions.awaitReady("calc", START);
        killFourTimes();
        ActionStatus status = actions.status("calc");
        System.out.println("after 4 kills with a local copy: " + status);
        assertThat(status.mode()).isEqualTo(ActionMode.LOCAL);
        assertThat(status.remoteStatus()).isEqualTo("FAILED");
        assertThat(status.detail()).contains("restart budget spent");
        assertThat(remotePid()).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void anUnloadDuringARestartsLaunchCancelsItAndLeavesNoServerBehind(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("hang");
        actions.config("hangs", new ActionConfig(HangsOnRestart.class.getName(), null, 0, Map.of(
                "restart_backoff_ms", 100, "env", Map.of(HangsOnRestart.MARKER_ENV, marker.toString()))));
        actions.load("hangs", ActionMode.REMOTE);
        actions.awaitReady("hangs", START);
        long first = ((Number) actions.call("hangs.pid")).longValue();
        Files.createFile(marker); // from now on a server of this module hangs in its constructor
        kill(first);
        assertThatThrownBy(() -> actions.call("hangs.pid")).isInstanceOf(ActionException.class)
                .hasMessageContaining("did not answer");
        // The restart's JVM is up and hangs: its launch waits for a port it will never report (a minute at most).
        ProcessHandle replacement = await().atMost(START).until(() -> childOf(HangsOnRestart.class), Optional::isPresent)
                .orElseThrow();

        long t0 = System.nanoTime();
        actions.unload("hangs", UnloadMode.AUTO, true);

        // Cancelled, not left to run out its start timeout: the launch is interrupted and kills its child.
        await().atMost(Duration.ofSeconds(20)).until(() -> !replacement.isAlive());
        System.out.println("restart's child gone " + (System.nanoTime() - t0) / 1_000_000 + " ms after the unload");
        assertThat(childOf(HangsOnRestart.class)).isEmpty();
    }

    /** {@return a child JVM of this one that runs the module class} */
    private static Optional<ProcessHandle> childOf(Class<?> module) {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments().map(args -> java.util.Arrays.asList(args).contains(module.getName()))
                        .orElse(false))
                .findFirst();
    }

    /** Kills the remote server four times; the first three are restarted. {@return the last pid} */
    private long killFourTimes() throws Exception {
        long pid = -1;
        for (int kill = 1; kill <= 4; kill++) {
            assertThat(actions.status("calc").mode()).isEqualTo(ActionMode.REMOTE);
            pid = remotePid();
            kill(pid);
            assertThatThrownBy(() -> actions.call("calc.add", 1, 2)).isInstanceOf(ActionException.class)
                    .hasMessageContaining("did not answer");
            if (kill < 4) {
                long t0 = System.nanoTime();
                assertThat(actions.awaitReady("calc", START).remoteStatus()).isEqualTo("READY");
                System.out.println("kill " + kill + ": restarted in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
        }
        return pid;
    }
}
