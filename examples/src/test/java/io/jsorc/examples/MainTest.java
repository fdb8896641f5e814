package io.jsorc.examples;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the main job in its own JVM, as the README command does, and checks what it printed and its exit code. */
class MainTest {

    @Test
    void mainJobRunsToCompletionAndExitsZero() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process process = new ProcessBuilder(List.of(java, "-Djsorc.scan.packages=io.jsorc.examples",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()))
                .redirectErrorStream(true).start();
        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ended) {
            process.destroyForcibly();
        }
        System.out.println(output);
        assertThat(ended).as("example ended within 60 s").isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(output).contains("flaky    RUNNING", "Bonjour, JsOrc!", "JsOrc threads left: none");
    }
}
