package io.jsorc.action.remote;

import io.jsorc.action.ActionConfig;
import io.jsorc.action.ActionException;
import io.jsorc.action.ActionServer;
import io.jsorc.action.ServerLimits;
import io.jsorc.fixtures.actions.EnvProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A remote action server in a real child JVM: where it listens, what it refuses, what it tells, what it sees. */
class RemoteServerTest {

    private final ProcessActionLauncher launcher = new ProcessActionLauncher();
    private final List<RemoteActionLauncher.Remote> started = new ArrayList<>();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void retire() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        started.forEach(launcher::retire);
    }

    private RemoteActionLauncher.Remote launch(Map<String, Object> remote) throws IOException {
        RemoteActionLauncher.Remote server = launcher.launch("env_probe",
                new ActionConfig(EnvProbe.class.getName(), null, 0, remote), null);
        started.add(server);
        return server;
    }

    /** A client of a launched server; the launcher returns once the port is bound, so the spec answers at once. */
    private RemoteActionClient client(RemoteActionLauncher.Remote server, Duration timeout) throws Exception {
        // The first answer of a fresh JVM may take seconds on a loaded machine: checked with a generous timeout.
        RemoteActionClient patient = new RemoteActionClient(server.url(), server.token(), Duration.ofSeconds(2),
                Duration.ofSeconds(30));
        opened.add(patient);
        assertThat(patient.spec()).containsEntry("module", "env_probe");
        RemoteActionClient client = new RemoteActionClient(server.url(), server.token(), Duration.ofSeconds(2),
                timeout);
        opened.add(client);
        return client;
    }

    private static int port(RemoteActionLauncher.Remote server) {
        return URI.create(server.url()).getPort();
    }

    @Test
    void theChildListensOnLoopbackOnly() throws Exception {
        RemoteActionLauncher.Remote server = launch(Map.of());
        int port = port(server);
        List<InetAddress> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                String[] local = fields[1].split(":");
                if (Integer.parseInt(local[1], 16) == port && fields[3].equals("0A")) { // 0A: LISTEN
                    listening.add(address(local[0]));
                }
            }
        }
        System.out.println("listening sockets on port " + port + ": " + listening);
        assertThat(listening).as("listening sockets of the child's port").isNotEmpty()
                .allSatisfy(address -> assertThat(address.isLoopbackAddress()).as(address.toString()).isTrue());
    }

    /** /proc/net/tcp{,6} print an address as 32-bit words, each in host (little-endian) byte order. */
    private static InetAddress address(String hex) throws IOException {
        byte[] raw = HexFormat.of().parseHex(hex);
        byte[] bytes = new byte[raw.length];
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                bytes[word + i] = raw[word + 3 - i];
            }
        }
        return InetAddress.getByAddress(bytes);
    }

    @Test
    void aBodyAboveTheCapGets413AndTheServerAnswersTheNextCall() throws Exception {
        RemoteActionLauncher.Remote server = launch(Map.of());
        RemoteActionClient client = client(server, Duration.ofSeconds(30));
        long size = 64L << 20;
        String head = "POST /ok HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server.token()
                + "\r\nContent-Type: application/json\r\n";
        String announced = rawStatus(server, head + "Content-Length: " + size + "\r\n\r\n", size, false);
        System.out.println("64 MiB with Content-Length: " + announced);
        assertThat(announced).startsWith("HTTP/1.1 413");
        String chunked = rawStatus(server, head + "Transfer-Encoding: chunked\r\n\r\n", size, true);
        System.out.println("64 MiB chunked: " + chunked);
        assertThat(chunked).startsWith("HTTP/1.1 413");
        assertThat(client.call("ok", Map.of())).isEqualTo("ok");
    }

    /** Sends {@code size} body bytes after {@code head} from another thread, and reads the answer's status line. */
    private static String rawStatus(RemoteActionLauncher.Remote server, String head, long size, boolean chunked)
            throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            Thread writer = new Thread(() -> {
                byte[] block = new byte[64 * 1024];
                byte[] chunkHead = (Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    out.write(head.getBytes(StandardCharsets.US_ASCII));
                    for (long sent = 0; sent < size; sent += block.length) {
                        if (chunked) {
                            out.write(chunkHead);
                        }
                        out.write(block);
                        if (chunked) {
                            out.write(new byte[]{'\r', '\n'});
                        }
                    }
                } catch (IOException e) {
                    // the server answered 413 and closed the connection: expected
                }
            }, "test-big-body-writer");
            writer.setDaemon(true);
            writer.start();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString().trim();
        }
    }

    @Test
    void slowClientsDoNotStopANormalCall() throws Exception {
        RemoteActionLauncher.Remote server = launch(Map.of());
        client(server, Duration.ofSeconds(30));
        List<Socket> slow = new ArrayList<>();
        String headers = "POST /ok HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server.token()
                + "\r\nContent-Length: 100\r\n\r\n";
        try {
            for (int i = 0; i < 16; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), port(server));
                slow.add(socket);
                if (i % 2 == 1) { // half trickle their headers, half their body
                    socket.getOutputStream().write(headers.getBytes(StandardCharsets.US_ASCII));
                }
            }
            for (int round = 0; round < 3; round++) { // one byte every 2 s on each
                for (int i = 0; i < slow.size(); i++) {
                    slow.get(i).getOutputStream().write(i % 2 == 0 && round == 0 ? 'P' : ' ');
                }
                Thread.sleep(2_000);
            }
            RemoteActionClient fresh = new RemoteActionClient(server.url(), server.token(), Duration.ofSeconds(2),
                    Duration.ofSeconds(30));
            opened.add(fresh);
            long t0 = System.nanoTime();
            Object answer = fresh.call("ok", Map.of());
            long millis = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("a call (new connection) with 16 slow clients connected took " + millis + " ms");
            assertThat(answer).isEqualTo("ok");
            assertThat(millis).as("call time with 16 slow clients (ms), against the 30 s a blocked server would take")
                    .isLessThan(10_000);
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void theChildSeesOnlyItsOwnEnvironment() throws Exception {
        String hostOnly = System.getenv().keySet().stream()
                .filter(name -> !List.of("PATH", "JAVA_HOME", "SystemRoot", "SYSTEMROOT").contains(name))
                .filter(name -> !name.startsWith("JSORC_ACTION_")).sorted().findFirst().orElseThrow();
        RemoteActionLauncher.Remote server = launch(Map.of("env", Map.of("MODULE_SETTING", "from-config")));
        RemoteActionClient client = client(server, Duration.ofSeconds(30));
        Object seen = client.call("env", Map.of("name", hostOnly));
        System.out.println("host variable " + hostOnly + " as the child sees it: " + seen);
        assertThat(seen).as("host variable " + hostOnly + " in the child").isNull();
        assertThat(client.call("env", Map.of("name", "MODULE_SETTING"))).isEqualTo("from-config");
        assertThat(client.call("env", Map.of("name", "PATH"))).isEqualTo(System.getenv("PATH"));
    }

    @Test
    void aFailedStartQuotesTheEndOfALongLogEvenWithBytesThatAreNoUtf8(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path log = dir.resolve("server.log");
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(log)) {
            for (int i = 0; i < 20_000; i++) { // ~300 KB: more than the tail reads
                out.write(("line " + i + " of a long-running server\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            out.write(new byte[]{(byte) 0xFF, '\n'}); // a byte that is no UTF-8
            out.write("Exception in thread \"main\" java.lang.IllegalStateException: boom\n"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String tail = ChildLog.tail(log);
        assertThat(tail.lines()).hasSize(20);
        assertThat(tail).endsWith("IllegalStateException: boom").contains("line 19999 of a long-running server")
                .doesNotContain("line 0 of");
    }

    @Test
    void aChattyModulesLogIsRolledOverAtItsCapAndTheTailReadsAcrossTheParts() throws Exception {
        long cap = 16 * 1024;
        RemoteActionLauncher.Remote server = launch(Map.of("max_log_bytes", cap));
        RemoteActionClient client = client(server, Duration.ofSeconds(30));
        for (int call = 0; call < 5; call++) { // ~16 KB each, ~80 KB of output in all: five times the cap
            assertThat(client.call("print", Map.of("lines", 1000, "text", "call " + call + " line"))).isEqualTo(1000);
        }
        Path log = ProcessActionLauncher.log(server);
        Path previous = log.resolveSibling("server.log.1");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!server.lastLog().endsWith("call 4 line 999") && System.nanoTime() < deadline) {
            Thread.sleep(20); // the copy runs on a thread of its own
        }
        String tail = server.lastLog();
        System.out.println("log parts: " + Files.size(log) + " + " + Files.size(previous) + " bytes, cap " + cap);
        assertThat(tail).endsWith("call 4 line 999");
        assertThat(tail.lines()).hasSize(20).allMatch(line -> line.startsWith("call 4 line 9"));
        assertThat(Files.size(log)).isPositive().isLessThanOrEqualTo(cap);
        assertThat(Files.size(previous)).as("a rolled-over part holds a full cap").isEqualTo(cap);
        try (var files = Files.list(log.getParent())) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrder("server.log", "server.log.1", "port");
        }
    }

    @Test
    void theTailOfALogJustRolledOverReadsTheEndOfThePreviousPart(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path log = dir.resolve("server.log");
        StringBuilder before = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            before.append("earlier line ").append(i).append('\n');
        }
        Files.writeString(dir.resolve("server.log.1"), before);
        Files.writeString(log, "newest line\n");
        assertThat(ChildLog.tail(log).lines())
                .hasSize(20).endsWith("earlier line 4999", "newest line").doesNotContain("earlier line 4980");
        Files.delete(log);
        assertThat(ChildLog.tail(log).lines()).as("between parts: the previous one still tells")
                .hasSize(20).endsWith("earlier line 4999");
        Files.delete(dir.resolve("server.log.1"));
        assertThat(ChildLog.tail(log)).as("no log yet").isEmpty();
    }

    @Test
    void theEnvironmentIsBuiltFromNothingButWhatTheChildNeeds() {
        Map<String, String> host = Map.of("PATH", "/usr/bin", "JAVA_HOME", "/jdk", "AWS_SECRET_ACCESS_KEY", "s3cret",
                "HOME", "/root", "LANG", "C.UTF-8");
        ActionConfig config = new ActionConfig(EnvProbe.class.getName(), null, 0,
                Map.of("env", Map.of("LEVEL", 3), "max_body_bytes", 1024));
        Map<String, String> env = ProcessActionLauncher.childEnvironment(host, config, "t0ken", Path.of("/tmp/p"));
        assertThat(env).containsOnlyKeys("PATH", "JAVA_HOME", "LANG", "LEVEL", ActionServer.TOKEN_ENV,
                ActionServer.PARENT_PID_ENV,
                ActionServer.PORT_FILE_ENV, ServerLimits.MAX_BODY_BYTES_ENV);
        assertThat(env).containsEntry("LEVEL", "3").containsEntry(ServerLimits.MAX_BODY_BYTES_ENV, "1024");
        assertThatThrownBy(() -> ProcessActionLauncher.childEnvironment(host, new ActionConfig(
                EnvProbe.class.getName(), null, 0, Map.of("env", Map.of("JSORC_ACTION_TOKEN", "x"))), "t",
                Path.of("p"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSORC_ACTION_TOKEN");
        assertThatThrownBy(() -> ProcessActionLauncher.childEnvironment(host, new ActionConfig(
                EnvProbe.class.getName(), null, 0, Map.of("max_body_bytes", "big")), "t", Path.of("p")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("remote.max_body_bytes");
        // A malformed env names what is wrong, never the secret it may hold.
        for (Object malformed : List.of(List.of("API_KEY=s3cr3t"), Map.of("API_KEY=s3cr3t", "x"),
                Map.of("API_KEY", List.of("s3cr3t")))) {
            ActionConfig bad = new ActionConfig(EnvProbe.class.getName(), null, 0, Map.of("env", malformed));
            assertThatThrownBy(() -> ProcessActionLauncher.childEnvironment(host, bad, "t", Path.of("p")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("remote.env")
                    .message().doesNotContain("s3cr3t");
            assertThat(bad.toString()).doesNotContain("s3cr3t");
        }
    }

    @Test
    void aServerThatRefusesTheTokenItWasLaunchedWithCountsAsGone() throws Exception {
        RemoteActionLauncher.Remote server = launch(Map.of());
        // As a host holding the token of a server that was re-created with another one.
        RemoteActionClient stale = new RemoteActionClient(server.url(), "not-" + server.token(), Duration.ofSeconds(2),
                Duration.ofSeconds(10));
        assertThatThrownBy(() -> stale.call("env", Map.of("name", "PATH")))
                .isInstanceOf(RemoteUnreachableException.class).hasMessageContaining("HTTP 401")
                .hasMessageContaining("replaced").message().doesNotContain(server.token());
    }

    @Test
    void aLaunchRefusedForItsEnvironmentLeavesNoFolderBehind() throws Exception {
        java.util.function.Supplier<Long> folders = () -> {
            try (java.util.stream.Stream<Path> list = java.nio.file.Files.list(Path.of(System.getProperty(
                    "java.io.tmpdir")))) {
                return list.filter(p -> p.getFileName().toString().startsWith("jsorc-action-env_probe-")).count();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        long before = folders.get();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> launch(Map.of("env", Map.of("JSORC_ACTION_X", "1"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSORC_ACTION_X");
        }
        assertThat(folders.get()).as("jsorc-action-env_probe-* folders in the temp folder").isEqualTo(before);
    }

    @Test
    void anActionThatThrowsTellsItsTypeAndMessageButNoStackTrace() throws Exception {
        RemoteActionLauncher.Remote server = launch(Map.of());
        RemoteActionClient client = client(server, Duration.ofSeconds(30));
        HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.url() + "/boom")).header("Authorization", "Bearer " + server.token())
                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"disk on fire\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.println("error answer: " + raw.statusCode() + " " + raw.body());
        assertThat(raw.statusCode()).isEqualTo(500);
        assertThat(raw.body()).contains(EnvProbe.ProbeFailure.class.getName()).contains("disk on fire")
                .doesNotContain("\tat ").doesNotContain("at io.jsorc").doesNotContain("eclipse")
                .doesNotContain("ActionHandler");
        assertThat(raw.headers().firstValue("Server")).isEmpty();
        assertThatThrownBy(() -> client.call("boom", Map.of("message", "disk on fire")))
                .isInstanceOf(ActionException.class).hasMessageContaining("HTTP 500")
                .hasMessageContaining(EnvProbe.ProbeFailure.class.getName()).hasMessageContaining("disk on fire");
    }

    @Test
    void aSlowCallTimesOutAndARefusedOneIsAnIoFailure() throws Exception {
        RemoteActionLauncher.Remote server = launch(Map.of());
        RemoteActionClient client = client(server, Duration.ofMillis(300));
        assertThatThrownBy(() -> client.call("slow", Map.of("millis", 3_000)))
                .isInstanceOf(RemoteCallTimeoutException.class).hasMessageContaining("'slow'")
                .hasMessageContaining(server.url()).hasMessageNotContaining(server.token());
        assertThat(client.call("ok", Map.of())).as("the next call, on a fresh connection").isEqualTo("ok");
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        RemoteActionClient refused = new RemoteActionClient("http://127.0.0.1:" + closed, "t", Duration.ofSeconds(2),
                Duration.ofSeconds(5));
        assertThatThrownBy(() -> refused.call("ok", Map.of())).isInstanceOf(ActionException.class)
                .isNotInstanceOf(RemoteCallTimeoutException.class).hasCauseInstanceOf(ConnectException.class);
    }
}
