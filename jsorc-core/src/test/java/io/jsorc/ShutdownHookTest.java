package io.jsorc;

import io.jsorc.fixtures.shutdown.HangingStartMain;
import io.jsorc.fixtures.shutdown.ShutdownHookMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A host that never calls JsOrc.shutdown() still gets its global orchestrator closed when the JVM exits. */
class ShutdownHookTest {

    @TempDir
    Path dir;

    private Path run(String... properties) throws Exception {
        Path marker = dir.resolve("marker-" + properties.length);
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new ArrayList<>(List.of(java, "-Dmarker=" + marker,
                "-Djsorc.scan.packages=io.jsorc.fixtures.shutdown", "-Djsorc.index=false"));
        command.addAll(List.of(properties));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ShutdownHookMain.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("main done");
        return marker;
    }

    @Test
    void theGlobalOrchestratorIsClosedAtJvmExit() throws Exception {
        Path marker = run();
        assertThat(marker).as("the persisting context was closed by the shutdown hook").exists();
        assertThat(Files.readString(marker)).isEqualTo("closed");
    }

    @Test
    void aJvmToldToExitDuringTheFirstStartStillClosesWhatTheStartBuilt() throws Exception {
        Path marker = dir.resolve("marker-hanging");
        // A JSORC_CONFIG of this host's own, ahead of jsorc-core's on the class path: pre-load the hanging service
        // (enabled by its default config).
        Path defaults = Files.createDirectories(dir.resolve("classes/META-INF/jsorc/defaults"));
        Files.writeString(defaults.resolve("JSORC_CONFIG.json"),
                "{\"backoff_interval\": 10, \"pre_loaded_services\": [\"hanging_start\"]}");
        Files.writeString(defaults.resolve("HANGING_START_CONFIG.json"), "{\"enabled\": true}");
        String javaBin = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process process = new ProcessBuilder(javaBin, "-Dmarker=" + marker,
                "-Djsorc.scan.packages=io.jsorc.fixtures.shutdown", "-Djsorc.index=false", "-cp",
                dir.resolve("classes") + File.pathSeparator + System.getProperty("java.class.path"),
                HangingStartMain.class.getName())
                .redirectErrorStream(true).redirectOutput(dir.resolve("host.log").toFile()).start();
        try {
            Path started = Path.of(marker + ".started");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> Files.exists(started) || !process.isAlive());
            assertThat(started).as(Files.readString(dir.resolve("host.log"))).exists();

            long t0 = System.nanoTime();
            process.destroy(); // SIGTERM while the first start hangs in run()

            // The hook waits (10 s) for the start, then closes beside it: the persisting context is closed.
            boolean exited = process.waitFor(45, TimeUnit.SECONDS);
            assertThat(exited).as("the JVM exited; its log:\n%s", Files.readString(dir.resolve("host.log"))).isTrue();
            System.out.println("exited " + (System.nanoTime() - t0) / 1_000_000 + " ms after SIGTERM");
            assertThat(marker).as(Files.readString(dir.resolve("host.log"))).exists();
            assertThat(Files.readString(marker)).isEqualTo("closed");
            assertThat(Files.readString(dir.resolve("host.log"))).doesNotContain("main done");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void theHookCanBeTurnedOff() throws Exception {
        Path marker = run("-Djsorc.shutdownHook=false");
        assertThat(marker).doesNotExist();
    }
}
