package io.jsorc.bench.remote;

import io.jsorc.action.ActionServer;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts the benchmark's server candidates as child JVMs (port 0, reported through a port file) and stops them;
 * the children's side of the same handshake.
 */
public final class ChildProcesses {

    private ChildProcesses() {
    }

    /** A started child: its process, its port, and its temporary directory. */
    public record Child(Process process, int port, Path dir) implements AutoCloseable {
        /** Stops the child (SIGTERM, then SIGKILL) and deletes its directory. */
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            try (var files = Files.walk(dir)) {
                for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException ignored) {
                // a temporary directory
            }
        }
    }

    /**
     * Starts {@code main} with {@code args} in a child JVM on this JVM's class path and waits for its port.
     *
     * @param main  the main class
     * @param env   extra environment variables
     * @param args  its arguments
     * @return the started child
     * @throws IOException when it does not start or report its port within 60 s
     */
    public static Child start(Class<?> main, Map<String, String> env, String... args) throws IOException {
        Path dir = Files.createTempDirectory("jsorc-bench-child-");
        Path portFile = dir.resolve("port");
        List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
                System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile());
        builder.environment().putAll(env);
        builder.environment().put(ActionServer.PORT_FILE_ENV, portFile.toString());
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (Files.exists(portFile)) {
                return new Child(process, Integer.parseInt(Files.readString(portFile).trim()), dir);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        String log = Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "";
        new Child(process, -1, dir).close();
        throw new IOException(main.getSimpleName() + " did not report its port: " + log);
    }

    /**
     * Reports the bound port to the parent through the port file.
     *
     * @param port the bound port
     * @throws IOException when the file cannot be written
     */
    static void reportPort(int port) throws IOException {
        Path file = Path.of(System.getenv(ActionServer.PORT_FILE_ENV));
        Path partial = file.resolveSibling("port.partial");
        Files.writeString(partial, port + "\n", StandardCharsets.US_ASCII);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Blocks until the parent process is gone (the benchmark fork ended), then stops the server, so that {@code main}
     * returns and the child JVM ends with no thread left (no {@code System.exit}).
     *
     * @param stop stops the server and its threads
     * @throws InterruptedException when interrupted
     */
    static void runUntilParentExits(Runnable stop) throws InterruptedException {
        CountDownLatch gone = new CountDownLatch(1);
        ProcessHandle.current().parent().ifPresentOrElse(p -> p.onExit().thenRun(gone::countDown), gone::countDown);
        gone.await();
        stop.run();
    }
}
