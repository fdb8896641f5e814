package io.jsorc.action;

import io.jsorc.fixtures.actions.Calc;
import io.jsorc.fixtures.actions.SlowToBuild;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The child JVM's entry, run in this JVM against a stand-in host (a {@code sleep} process the test kills): the server
 * goes with its host before, while and after its module is built.
 */
class ActionServerMainTest {

    private final List<Process> hosts = new ArrayList<>();

    @BeforeEach
    void reset() {
        SlowToBuild.reset();
    }

    @AfterEach
    void killHosts() {
        SlowToBuild.release();
        hosts.forEach(Process::destroyForcibly);
    }

    private Process host() throws IOException {
        Process host = new ProcessBuilder("sleep", "600").start();
        hosts.add(host);
        return host;
    }

    /** Runs the entry on a thread of its own; what it threw, if anything, lands in {@code failure}. */
    private static Thread runEntry(String module, Map<String, String> environment, Runnable hostGoneEarly,
                                   AtomicReference<Throwable> failure) {
        Thread entry = new Thread(() -> {
            try {
                ActionServerMain.run(new String[]{module, "0"}, environment, hostGoneEarly);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "action-server-main");
        entry.setDaemon(true);
        entry.start();
        return entry;
    }

    @Test
    void aHostGoneBeforeTheStartBuildsNoModule() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(30, TimeUnit.SECONDS);
        CountDownLatch goneEarly = new CountDownLatch(1);

        ActionServerMain.run(new String[]{SlowToBuild.class.getName(), "0"},
                Map.of(ActionServer.PARENT_PID_ENV, String.valueOf(gone.pid())), goneEarly::countDown);

        assertThat(SlowToBuild.ENTERED).hasValue(0);
        assertThat(goneEarly.getCount()).isEqualTo(1);
    }

    @Test
    void aHostGoingWhileTheModuleIsBuiltEndsTheProcessWithoutWaitingForTheConstructor() throws Exception {
        Process host = host();
        CountDownLatch goneEarly = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread entry = runEntry(SlowToBuild.class.getName(),
                Map.of(ActionServer.PARENT_PID_ENV, String.valueOf(host.pid())), goneEarly::countDown, failure);
        assertThat(SlowToBuild.awaitEntered(30)).as("the module's constructor was entered").isTrue();

        host.destroyForcibly();

        // The constructor still waits: the entry point is told to end the process (System.exit in the child).
        assertThat(goneEarly.await(30, TimeUnit.SECONDS)).as("told the host is gone while building").isTrue();
        assertThat(entry.isAlive()).isTrue();
        // Should the constructor finish after all, the server it made is closed and the entry returns.
        SlowToBuild.release();
        entry.join(30_000);
        assertThat(entry.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
    }

    @Test
    void aHostGoingWhileTheServerRunsStopsTheServer(@TempDir Path dir) throws Exception {
        Process host = host();
        Path portFile = dir.resolve("port");
        CountDownLatch goneEarly = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread entry = runEntry(Calc.class.getName(), Map.of(ActionServer.PARENT_PID_ENV, String.valueOf(host.pid()),
                ActionServer.PORT_FILE_ENV, portFile.toString()), goneEarly::countDown, failure);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(portFile) || failure.get() != null);
        assertThat(failure.get()).isNull();
        int port = Integer.parseInt(Files.readString(portFile).strip());
        new Socket(InetAddress.getLoopbackAddress(), port).close(); // it serves

        host.destroyForcibly();

        entry.join(30_000);
        assertThat(entry.isAlive()).as("the entry returned once its host was gone").isFalse();
        assertThat(failure.get()).isNull();
        assertThat(goneEarly.getCount()).as("the server was running: closed, not an early exit").isEqualTo(1);
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class);
    }
}
