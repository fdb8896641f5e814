package io.jsorc;

import io.jsorc.fixtures.reentry.ReentrantStartMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service that uses the static facade while the global orchestrator's first start runs (pre-loaded, on the
 * starting thread) is given that orchestrator, not a second global one built under it.
 */
class GlobalStartReentryTest {

    @TempDir
    Path dir;

    @Test
    void aPreLoadedServiceCallingTheFacadeGetsTheOrchestratorBeingStarted() throws Exception {
        Path defaults = Files.createDirectories(dir.resolve("classes/META-INF/jsorc/defaults"));
        Files.writeString(defaults.resolve("JSORC_CONFIG.json"), "{\"pre_loaded_services\": [\"reentrant_caller\"]}");
        Files.writeString(defaults.resolve("REENTRANT_CALLER_CONFIG.json"), "{\"enabled\": true}");
        Files.writeString(defaults.resolve("REENTRANT_CALLEE_CONFIG.json"), "{\"enabled\": true}");
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process process = new ProcessBuilder(java, "-Djsorc.scan.packages=io.jsorc.fixtures.reentry",
                "-Djsorc.index=false", "-Xss512k", "-cp",
                dir.resolve("classes") + File.pathSeparator + System.getProperty("java.class.path"),
                ReentrantStartMain.class.getName())
                .redirectErrorStream(true).redirectOutput(dir.resolve("host.log").toFile()).start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the host ended").isTrue();
            String log = Files.readString(dir.resolve("host.log"));
            System.out.println(log.lines().filter(l -> !l.contains(" at ")).limit(20)
                    .reduce("", (a, b) -> a + b + "\n"));
            assertThat(log).contains("caller says: caller of callee", "same orchestrator: true", "main done");
            assertThat(log.lines().filter(l -> l.contains("Config store:")).count())
                    .as("orchestrators built (one 'Config store' line each)").isEqualTo(1);
        } finally {
            process.destroyForcibly();
        }
    }
}
