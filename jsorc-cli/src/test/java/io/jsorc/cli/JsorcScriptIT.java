package io.jsorc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@code scripts/jsorc} as a child process (bash, then {@code java -jar} on the shaded jar) against a fake
 * admin server: runs in {@code verify}, after {@code package} built the jar, from a directory outside the repository.
 */
class JsorcScriptIT {

    private static final Path ROOT = Path.of(System.getProperty("jsorc.root", "..")).toAbsolutePath().normalize();
    private static final Path SCRIPT = ROOT.resolve("scripts").resolve("jsorc");

    private FakeAdminServer server;

    @TempDir
    Path dir;

    @BeforeEach
    void startServer() throws Exception {
        server = FakeAdminServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private CliRun script(Map<String, String> env, String... args) throws Exception {
        return script(SCRIPT, env, args);
    }

    private CliRun script(Path script, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("JSORC_"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(env);
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            // Generous: the jar exists (package phase), so this is one JVM start, ~0.5 s; a shared machine is slow.
            boolean ended = process.waitFor(120, TimeUnit.SECONDS);
            assertThat(ended).as("scripts/jsorc ended within 120 s").isTrue();
        } finally {
            process.destroyForcibly();
        }
        CliRun run = new CliRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        System.out.println("scripts/jsorc " + String.join(" ", args) + " -> exit " + run.exitCode() + " in "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
        return run;
    }

    @Test
    void successPrintsTheIndentedAnswerAndNothingElse() throws Exception {
        server.reply(200, "{\"greeting\":\"Bonjour\",\"names\":[\"a\"]}");

        CliRun run = script(Map.of("JSORC_URL", server.url(), "JSORC_TOKEN", "it-token"),
                "config", "get", "GREETER_CONFIG");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("{\n  \"greeting\": \"Bonjour\",\n  \"names\": [\n    \"a\"\n  ]\n}\n");
        assertThat(run.err()).as("no Maven or JVM noise").isEmpty();
        FakeAdminServer.Request request = server.take();
        assertThat(request.path()).isEqualTo("/js_admin/config_get");
        assertThat(request.authorization()).isEqualTo("Bearer it-token");
        assertThat(request.body()).isEqualTo("{\"name\":\"GREETER_CONFIG\"}");
    }

    @Test
    void argumentsPassThroughUnchanged() throws Exception {
        String value = "{\"text\": \"two  spaces, 'quotes' and $HOME\"}";

        CliRun run = script(Map.of(), "--url", server.url(), "config", "set", "k1", "-value", value, "-do_check", "false");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(new ObjectMapper().readTree(server.take().body())).isEqualTo(new ObjectMapper().createObjectNode()
                .put("name", "k1").put("value", value).put("do_check", false));
    }

    @Test
    void refusalExitsOneWithTheMessageOnStderr() throws Exception {
        server.reply(404, "{\"success\": false, \"message\": \"Unknown config name NOPE.\"}");

        CliRun run = script(Map.of("JSORC_URL", server.url()), "config", "get", "NOPE");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("jsorc: refused (HTTP 404): Unknown config name NOPE.\n");
    }

    @Test
    void usageErrorExitsTwoWithTheCommandsUsage() throws Exception {
        CliRun run = script(Map.of("JSORC_URL", server.url()), "config", "get");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required parameter: 'NAME'", "Usage: jsorc config get");
        assertThat(run.out()).isEmpty();
        assertThat(server.drain()).isEmpty();
    }

    @Test
    void closedPortExitsThreeNamingTheUrl() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        CliRun run = script(Map.of("JSORC_URL", "http://127.0.0.1:" + port), "actions", "status");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.err()).contains("http://127.0.0.1:" + port, "--url", "JSORC_URL");
    }

    @Test
    void runsThroughASymlinkAndReportsTheJarsVersion() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("jsorc"), SCRIPT);

        CliRun run;
        try {
            run = script(link, Map.of(), "--version");
        } finally {
            Files.delete(link); // before @TempDir cleanup, which warns about links that point outside it
        }

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).as("Implementation-Version of the shaded jar").matches("jsorc \\d+\\.\\d+\\.\\d+.*\n");
    }
}
