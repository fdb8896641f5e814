package io.jsorc.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} process on a free loopback port, persistence off. Tests can {@link #kill()} it
 * (SIGKILL) and {@link #start()} it again on the same port to exercise failure handling. Stopped by its pid, never by
 * name.
 *
 * <p>The binary is taken from {@code $REDIS_SERVER} or the {@code PATH}; when it is missing this fails with a message
 * that says how to install it ({@code scripts/install-test-servers.sh}) — a Redis test is never skipped.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    /**
     * The servers not closed yet: a JVM that ends before a test class's {@code afterAll} (Ctrl-C, a failing fork
     * told to exit) stops them on its way out. A JVM killed outright runs no hook.
     */
    private static final java.util.Set<RedisServer> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(RedisServer::stop),
                "jsorc-test-redis-shutdown"));
    }

    private final int port;
    private final Path dir;
    private final String binary;
    private volatile Process process;

    private RedisServer(int port, Path dir, String binary) {
        this.port = port;
        this.dir = dir;
        this.binary = binary;
    }

    /**
     * Starts a server on a free port and waits until it answers PING.
     *
     * @return the running server
     */
    public static RedisServer startNew() {
        String binary = findBinary();
        RedisServer server;
        try {
            server = new RedisServer(freePort(), Files.createTempDirectory("jsorc-redis-"), binary);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a working directory for redis-server", e);
        }
        try {
            server.start();
            return server;
        } catch (RuntimeException e) {
            server.close(); // nothing of a server that did not start stays behind: no process, no directory
            throw e;
        }
    }

    /** {@return the loopback port it listens on} */
    public int port() {
        return port;
    }

    /** {@return {@code 127.0.0.1}} */
    public String host() {
        return "127.0.0.1";
    }

    /** {@return the pid of the running process, or -1} */
    public long pid() {
        Process p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    /**
     * Returns a {@code REDIS_CONFIG} that points the redis service at this server, with more fields.
     *
     * @param extraFields more JSON fields (without braces), e.g. {@code "\"timeout_ms\": 500"}; may be empty
     * @return a {@code REDIS_CONFIG} that points the redis service at this server (enabled, automated, db 0)
     */
    public String redisConfig(String extraFields) {
        return "{\"enabled\": true, \"automated\": true, \"host\": \"" + host() + "\", \"port\": " + port
                + ", \"db\": 0" + (extraFields == null || extraFields.isBlank() ? "" : ", " + extraFields) + "}";
    }

    /** {@return a {@code REDIS_CONFIG} that points the redis service at this server} */
    public String redisConfig() {
        return redisConfig("");
    }

    /**
     * Starts the process (again) on the same port and waits until it answers PING.
     *
     * @throws IllegalStateException when it is running already or does not answer within 15 s
     */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("redis-server on port " + port + " is already running (pid " + pid() + ")");
        }
        List<String> command = new ArrayList<>(List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--loglevel", "warning"));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command, e);
        }
        LIVE.add(this);
        try {
            awaitOwnAnswer();
        } catch (RuntimeException e) {
            process.destroyForcibly(); // a server that did not come up is not left running
            waitFor(process);
            throw e;
        }
    }

    /** Waits until this very process answers on the port (another one may have taken it after a {@link #kill()}). */
    private void awaitOwnAnswer() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited with "
                        + process.exitValue() + ": " + log());
            }
            long answering = answeringPid();
            if (answering == process.pid()) {
                return;
            }
            if (answering > 0) {
                throw new IllegalStateException("Port " + port + " is answered by another redis-server (pid "
                        + answering + "), not the one started (pid " + process.pid() + ")");
            }
            sleep(10);
        }
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
                + START_TIMEOUT.toSeconds() + " s: " + log());
    }

    /** {@return the {@code process_id} of the server answering on the port ({@code INFO server}), or -1} */
    private long answeringPid() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host(), port), 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("INFO server\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder reply = new StringBuilder();
            int c;
            while (reply.length() < 8192 && (c = in.read()) != -1) {
                reply.append((char) c);
                int at = reply.indexOf("process_id:");
                if (at >= 0 && reply.indexOf("\r\n", at) > 0) {
                    return Long.parseLong(reply.substring(at + "process_id:".length(), reply.indexOf("\r\n", at))
                            .trim());
                }
                if (reply.length() > 1 && reply.charAt(0) == '-' && c == '\n') {
                    return -1; // an error reply (still loading)
                }
            }
            return -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Kills the process with SIGKILL and waits for it to end: the clients see a dead server. */
    public synchronized void kill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            waitFor(p);
        }
    }

    /**
     * Freezes the process (SIGSTOP): connections stay open but nothing answers — a hung server, which only timeouts
     * and health checks can notice.
     */
    public void pause() {
        signal("STOP");
    }

    /** Thaws a {@link #pause() paused} process (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        long pid = pid();
        if (pid < 0) {
            throw new IllegalStateException("redis-server on port " + port + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run kill -" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while signalling redis-server", e);
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after 5 s). */
    public synchronized void stop() {
        Process p = process;
        if (p != null && p.isAlive()) {
            try {
                resume(); // a paused process would not act on SIGTERM
            } catch (RuntimeException ignored) {
                // it may have died meanwhile
            }
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    waitFor(p);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    /** {@return whether the process is alive} */
    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** {@return whether the server answers PING now} */
    public boolean ping() {
        return "+PONG".equals(command("PING"));
    }

    /** Removes every key (FLUSHALL). */
    public void flushAll() {
        String reply = command("FLUSHALL");
        if (!"+OK".equals(reply)) {
            throw new IllegalStateException("FLUSHALL on port " + port + " answered " + reply);
        }
    }

    /**
     * Sends one inline command and returns the first reply line (e.g. {@code +PONG}, {@code :3}, {@code $5}).
     *
     * @param inline the command, e.g. {@code "GET key"}
     * @return the first reply line, or {@code null} when the server cannot be reached
     */
    public String command(String inline) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host(), port), 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\r') {
                line.append((char) c);
            }
            return line.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** Stops the server and removes its directory. */
    @Override
    public void close() {
        stop();
        LIVE.remove(this);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Best effort: a temp directory.
        }
    }

    @Override
    public String toString() {
        return "redis-server[127.0.0.1:" + port + ", pid " + pid() + "]";
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static String findBinary() {
        String configured = System.getenv("REDIS_SERVER");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(entry, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        for (String fallback : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server")) {
            if (Files.isExecutable(Path.of(fallback))) {
                return fallback;
            }
        }
        throw new IllegalStateException("redis-server is not installed (not on PATH, not $REDIS_SERVER). "
                + "Install it with scripts/install-test-servers.sh (apt-get install redis-server); "
                + "Redis tests are never skipped.");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void waitFor(Process p) {
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for redis-server", e);
        }
    }
}
