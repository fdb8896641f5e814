package io.jsorc.action.remote;

import io.jsorc.action.ActionConfig;
import io.jsorc.action.ActionServer;
import io.jsorc.action.ServerLimits;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action module's server as a child JVM on loopback, and stops it by its pid: SIGTERM, then SIGKILL after
 * 5 s. The child binds port 0 itself and writes the port it got to a file in a private temporary directory, and
 * starts with an environment of only what it needs (see {@link #childEnvironment}).
 *
 * <p>The child's class path is built from where the classes come from, not only from {@code java.class.path}, which
 * under {@code mvn exec:java} or an application server names the launcher's jars: the code sources of
 * {@code jsorc-actions} and what its server needs, the class loader that loads the module (its URLs, when it has
 * any), the module class's own code source, then {@code java.class.path}. The child's output goes to a temporary log
 * whose last lines a failed start quotes; the log and its directory are deleted when the server is retired,
 * unless {@code remote.keep_logs} is true. The log is bounded ({@code remote.max_log_bytes}, see {@link ChildLog}).
 */
public final class ProcessActionLauncher implements RemoteActionLauncher {

    /** Found by the action manager as the fallback launcher. */
    public ProcessActionLauncher() {
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProcessActionLauncher.class);
    private static final java.security.SecureRandom TOKENS = new java.security.SecureRandom();

    /** A child JVM; {@code dir} is its private temporary directory (log and port file). */
    private record ProcessRemote(String url, Process process, Path dir, Path log, ChildLog output, boolean keepLog,
                                 String token) implements Remote {
        @Override
        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public String lastLog() {
            return output.tail(process);
        }

        @Override
        public String toString() {
            return "ProcessRemote[" + url + ", pid " + process.pid() + "]"; // never the token
        }
    }

    /**
     * Starts the child and waits until it reports the port it bound (port 0, its own choice: no other process can
     * take the port between a probe and the bind), at most {@link RemoteStarter#START_TIMEOUT}.
     */
    @Override
    public Remote launch(String name, ActionConfig config, io.jsorc.ComponentContext context) throws IOException {
        boolean keepLog = Boolean.TRUE.equals(config.remote().get("keep_logs"));
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new ArrayList<>(List.of(java, "-Xss512k", "-cp", classPath(config.module()),
                ActionServer.class.getName(), config.module(), "0"));
        if (config.jar() != null) {
            command.add(config.jar());
        }
        // A fresh 256-bit call token per launch, handed over in the environment (argv is readable by every user).
        byte[] random = new byte[32];
        TOKENS.nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        // Owner-only (on POSIX, Files.createTempDirectory makes it rwx------): no other user plants a port file.
        Path dir = Files.createTempDirectory("jsorc-action-" + safe(name) + "-");
        Path log = dir.resolve("server.log");
        Path portFile = dir.resolve("port");
        Process process;
        try {
            // Its output is copied by a thread of ours into a log of bounded size (remote.max_log_bytes).
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            // Checks remote.env and remote.max_body_bytes: a refusal leaves no folder behind either.
            Map<String, String> wanted = childEnvironment(System.getenv(), config, token, portFile);
            Map<String, String> environment = builder.environment();
            environment.clear();
            environment.putAll(wanted);
            if (!keepLog) {
                environment.put(ActionServer.CLEANUP_DIR_ENV, dir.toString()); // what a SIGKILLed host leaves
            }
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            io.jsorc.base.Folders.deleteTree(dir);
            throw e;
        }
        ChildLog output = null;
        int port;
        try {
            output = ChildLog.start(name, process.getInputStream(), log, config.maxLogBytes());
            process.getOutputStream().close(); // the child reads nothing from us
            port = awaitPort(process, portFile, output);
        } catch (IOException | RuntimeException e) {
            if (output == null) {
                stop(process);
            } else {
                stop(process, output);
            }
            if (!keepLog) {
                io.jsorc.base.Folders.deleteTree(dir);
            }
            throw e;
        }
        return new ProcessRemote("http://127.0.0.1:" + port, process, dir, log, output, keepLog, token);
    }

    /** Reads the port the child reported, or fails with the end of its log when it exits or takes too long. */
    private static int awaitPort(Process process, Path portFile, ChildLog output) throws IOException {
        long deadline = System.nanoTime() + RemoteStarter.START_TIMEOUT.toNanos();
        while (true) {
            if (Files.exists(portFile)) {
                String text = Files.readString(portFile, java.nio.charset.StandardCharsets.US_ASCII).trim();
                try {
                    int port = Integer.parseInt(text);
                    if (port > 0 && port < 65_536) {
                        return port;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new IOException("The action server reported port '" + text + "', which is no port");
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String tail = output.tail(process);
                throw new IOException("the remote server " + (process.isAlive() ? "did not report its port within "
                        + RemoteStarter.START_TIMEOUT.toSeconds() + " s" : "exited with code " + process.exitValue())
                        + (tail.isBlank() ? "" : "; its log ends with:\n" + tail));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("Interrupted while waiting for the action server's port");
            }
        }
    }

    /**
     * Builds the child's environment from nothing but what it needs: {@code PATH}, {@code JAVA_HOME}, the locale
     * ({@code LANG}, {@code LC_ALL}, {@code LC_CTYPE}: file names) and {@code SystemRoot} on Windows (without which
     * its sockets do not work) from the host, the call token, the port
     * file, the body cap, and the module's own {@code remote.env}. None of the host's other variables, its secrets
     * included, reach the module's code.
     *
     * @param host     the host's environment
     * @param config   the module's config
     * @param token    the call token
     * @param portFile where the child reports its port
     * @return the child's environment
     * @throws IllegalArgumentException when {@code remote.env} is not a map of names to plain values, names a
     *                                  variable the launcher sets itself, or {@code remote.max_body_bytes} is out of
     *                                  range
     */
    static Map<String, String> childEnvironment(Map<String, String> host, ActionConfig config, String token,
                                                Path portFile) {
        Map<String, String> env = new java.util.TreeMap<>();
        // The locale too: without it the child runs in the C locale, and a class path or jar under a non-ASCII
        // folder name (/home/josé/app) comes out garbled (its file names are decoded as ASCII).
        for (String passed : List.of("PATH", "JAVA_HOME", "SystemRoot", "SYSTEMROOT", "LANG", "LC_ALL", "LC_CTYPE")) {
            String value = host.get(passed);
            if (value != null) {
                env.put(passed, value);
            }
        }
        Object own = config.remote().get("env");
        if (own != null) {
            if (!(own instanceof Map<?, ?> map)) {
                // Never the value itself: a list like ["API_KEY=s3cr3t"] holds the secret.
                throw new IllegalArgumentException("remote.env of module " + config.module()
                        + " must be a map of variable names to values (NAME: value), is a "
                        + own.getClass().getSimpleName());
            }
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                Object value = entry.getValue();
                if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    // Named up to its first character a name cannot hold: "API_KEY=s3cr3t" must not show its value.
                    String shown = key.split("[^A-Za-z0-9_]", 2)[0];
                    throw new IllegalArgumentException("remote.env of module " + config.module() + " has a key"
                            + (shown.isEmpty() ? "" : " starting '" + shown + "'") + " that is no environment "
                            + "variable name (letters, digits and _; a NAME=value pair is written NAME: value)");
                }
                if (key.startsWith("JSORC_ACTION_")) {
                    throw new IllegalArgumentException("remote.env of module " + config.module() + " sets " + key
                            + ": the launcher sets the JSORC_ACTION_ variables itself");
                }
                if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                    throw new IllegalArgumentException("remote.env." + key + " of module " + config.module()
                            + " must be a string, number or boolean, is " + (value == null ? "null"
                            : "a " + value.getClass().getSimpleName()));
                }
                env.put(key, String.valueOf(value));
            }
        }
        env.put(ActionServer.TOKEN_ENV, token);
        env.put(ActionServer.PORT_FILE_ENV, portFile.toString());
        env.put(ActionServer.PARENT_PID_ENV, String.valueOf(ProcessHandle.current().pid()));
        env.put(ServerLimits.MAX_BODY_BYTES_ENV, String.valueOf(ServerLimits.maxBodyBytes(config.remote())));
        return env;
    }

    /** A module name as part of a file name: what is not a letter, digit, {@code -} or {@code _} becomes {@code _}. */
    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9_-]", "_");
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
                org.yaml.snakeyaml.Yaml.class, org.eclipse.jetty.server.Server.class,
                org.eclipse.jetty.http.HttpField.class, org.eclipse.jetty.io.Content.class,
                org.eclipse.jetty.util.Callback.class)) {
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
        stop(child.process(), child.output());
        if (child.keepLog()) {
            log.info("Kept the log of a retired action server (remote.keep_logs): {}", child.log());
            return;
        }
        io.jsorc.base.Folders.deleteTree(child.dir());
    }

    /** Stops the child, then waits (bounded) until its last output is in the log and the copying thread is gone. */
    private static void stop(Process process, ChildLog output) {
        stop(process);
        if (!output.awaitEnd(java.time.Duration.ofSeconds(5))) {
            // Only when something the child started still holds its output open.
            log.warn("The output of a stopped action server (pid {}) is still open; its log copy keeps running",
                    process.pid());
        }
    }

    /** SIGTERM, then SIGKILL after 5 s. */
    private static void stop(Process process) {
        process.destroy();
        // An interrupted caller (a start cancelled by an unload) still waits for the kill, bounded, so that no child
        // is alive once launch() or retire() returned; the interrupt is kept for the caller.
        boolean interrupted = Thread.interrupted();
        try {
            if (interrupted || !process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            process.destroyForcibly();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
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

    /** The current part of the log of a child JVM this launcher started. */
    static Path log(Remote remote) {
        return ((ProcessRemote) remote).log();
    }
}
