package io.jsorc.examples;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the main job in its own JVM, as the README command does, and checks what it printed and its exit code. */
class MainTest {

    @Test
    void mainJobRunsToCompletionAndExitsZero() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ChildProcess run = ChildProcess.run(new ProcessBuilder(List.of(java, "-Djsorc.scan.packages=io.jsorc.examples",
                "-cp", System.getProperty("java.class.path"), Main.class.getName())), Duration.ofSeconds(60));
        String output = run.output();
        System.out.println(output);
        assertThat(run.ended()).as("example ended within 60 s").isTrue();
        assertThat(run.exitCode()).isZero();
        assertThat(output).contains("flaky    RUNNING", "Bonjour, JsOrc!", "JsOrc threads left: none");
    }
}
