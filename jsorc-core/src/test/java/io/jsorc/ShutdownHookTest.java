package io.jsorc;

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
    void theHookCanBeTurnedOff() throws Exception {
        Path marker = run("-Djsorc.shutdownHook=false");
        assertThat(marker).doesNotExist();
    }
}
