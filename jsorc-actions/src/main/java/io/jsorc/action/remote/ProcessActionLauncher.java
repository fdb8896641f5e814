package io.jsorc.action.remote;

import io.jsorc.action.ActionConfig;
import io.jsorc.action.ActionServer;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action module's server as a child JVM on a free loopback port (the classpath of this JVM, plus the module's
 * jar), and stops it by its pid: SIGTERM, then SIGKILL after 5 s.
 */
public final class ProcessActionLauncher implements RemoteActionLauncher {

    /** Found by the action manager as the fallback launcher. */
    public ProcessActionLauncher() {
    }

    /** A child JVM. */
    private record ProcessRemote(String url, Process process, Path log) implements Remote {
        @Override
        public boolean alive() {
            return process.isAlive();
        }
    }

    @Override
    public Remote launch(String name, ActionConfig config, io.jsorc.ComponentContext context) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new ArrayList<>(List.of(java, "-Xss512k", "-cp", System.getProperty("java.class.path"),
                ActionServer.class.getName(), config.module(), String.valueOf(port)));
        if (config.jar() != null) {
            command.add(config.jar());
        }
        Path log = Files.createTempFile("jsorc-action-" + name + "-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ProcessRemote("http://127.0.0.1:" + port, process, log);
    }

    @Override
    public void retire(Remote remote) {
        if (!(remote instanceof ProcessRemote child)) {
            throw new IllegalArgumentException("Not started by this launcher: " + remote);
        }
        Process process = child.process();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Files.deleteIfExists(child.log());
        } catch (IOException ignored) {
            // a temp file
        }
    }

    /**
     * Returns the process id of a child JVM this launcher started.
     *
     * @param remote a server this launcher started
     * @return its pid
     */
    public static long pid(Remote remote) {
        return ((ProcessRemote) remote).process().pid();
    }
}
