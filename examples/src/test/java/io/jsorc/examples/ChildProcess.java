package io.jsorc.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child process to its end, or kills it after a timeout, its output in a file: a child that hangs (the very
 * thing some tests look for) fails the test instead of hanging it, and a chatty one never blocks on a full pipe.
 *
 * @param ended    whether it ended by itself within the timeout
 * @param exitCode its exit code (that of the kill when it did not end)
 * @param output   what it wrote to stdout and stderr
 */
record ChildProcess(boolean ended, int exitCode, String output) {

    static ChildProcess run(ProcessBuilder builder, Duration timeout) throws IOException, InterruptedException {
        Path output = Files.createTempFile("jsorc-child", ".txt");
        try {
            Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            return new ChildProcess(ended, process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
