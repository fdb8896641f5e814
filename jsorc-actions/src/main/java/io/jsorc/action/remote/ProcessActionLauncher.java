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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action module's server as a child JVM on a free loopback port, and stops it by its pid: SIGTERM, then
 * SIGKILL after 5 s.
 *
 * <p>The child's class path is built from where the classes come from, not only from {@code java.class.path}, which
 * under {@code mvn exec:java} or an application server names the launcher's jars: the code sources of
 * {@code jsorc-actions} and what its server needs, the class loader that loads the module (its URLs, when it has
 * any), the module class's own code source, then {@code java.class.path}. The child's output goes to a temporary log
 * whose last lines a failed start quotes; the log is deleted when the server is retired, unless
 * {@code remote.keep_logs} is true.
 */
public final class ProcessActionLauncher implements RemoteActionLauncher {

    /** Found by the action manager as the fallback launcher. */
    public ProcessActionLauncher() {
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProcessActionLauncher.class);
    private static final int LOG_TAIL_LINES = 20;
    private static final java.security.SecureRandom TOKENS = new java.security.SecureRandom();

    /** A child JVM. */
    private record ProcessRemote(String url, Process process, Path log, boolean keepLog, String token)
            implements Remote {
        @Override
        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public String lastLog() {
            try {
                List<String> lines = Files.readAllLines(log, java.nio.charset.StandardCharsets.UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
            } catch (IOException | java.io.UncheckedIOException e) {
                return "";
            }
        }
    }

    @Override
    public Remote launch(String name, ActionConfig config, io.jsorc.ComponentContext context) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new ArrayList<>(List.of(java, "-Xss512k", "-cp", classPath(config.module()),
                ActionServer.class.getName(), config.module(), String.valueOf(port)));
        if (config.jar() != null) {
            command.add(config.jar());
        }
        Path log = Files.createTempFile("jsorc-action-" + name + "-", ".log");
        // A fresh 256-bit call token per launch, handed over in the environment (argv is readable by every user).
        byte[] random = new byte[32];
        TOKENS.nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put(ActionServer.TOKEN_ENV, token);
        builder.environment().remove(ActionServer.BIND_ENV); // a child JVM listens on loopback only
        Process process = builder.start();
        return new ProcessRemote("http://127.0.0.1:" + port, process, log,
                Boolean.TRUE.equals(config.remote().get("keep_logs")), token);
    }

    /**
     * Builds the child's class path: the code sources of the action server and what it needs, the URLs of the
     * class loader that sees the module, the module's own code source, then this JVM's {@code java.class.path}.
     *
     * @param module the module's class name
     * @return the class path, entries separated by the platform's separator
     */
    static String classPath(String module) {
        java.util.LinkedHashSet<String> entries = new java.util.LinkedHashSet<>();
        for (Class<?> needed : List.of(ActionServer.class, io.jsorc.base.Json.class,
                com.fasterxml.jackson.databind.ObjectMapper.class, com.fasterxml.jackson.core.JsonFactory.class,
                com.fasterxml.jackson.annotation.JsonProperty.class, org.slf4j.LoggerFactory.class,
                org.yaml.snakeyaml.Yaml.class)) {
            codeSource(needed).ifPresent(entries::add);
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (ClassLoader current = loader; current != null; current = current.getParent()) {
            if (current instanceof java.net.URLClassLoader urls) {
                for (java.net.URL url : urls.getURLs()) {
                    path(url).ifPresent(entries::add);
                }
            }
        }
        try {
            codeSource(Class.forName(module, false, loader != null ? loader
                    : ProcessActionLauncher.class.getClassLoader())).ifPresent(entries::add);
        } catch (ClassNotFoundException | LinkageError e) {
            // A module in a jar of its own: the jar is passed to the server separately.
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static java.util.Optional<String> codeSource(Class<?> type) {
        java.security.CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? java.util.Optional.empty() : path(source.getLocation());
    }

    private static java.util.Optional<String> path(java.net.URL url) {
        try {
            return "file".equals(url.getProtocol()) ? java.util.Optional.of(Path.of(url.toURI()).toString())
                    : java.util.Optional.empty();
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
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
        if (child.keepLog()) {
            log.info("Kept the log of a retired action server (remote.keep_logs): {}", child.log());
            return;
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
