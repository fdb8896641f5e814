package io.jsorc.examples;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's path end to end: the example app in {@code serve} mode in a child JVM, driven by the real
 * {@code scripts/jsorc} in other child processes.
 */
class ServeCliTest {

    private static final String TOKEN = "serve-cli-test-token-42";
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private static Process serve;
    private static String url;

    /** One run of the CLI. */
    record Run(int exit, String out, String err) { }

    @BeforeAll
    static void startServe() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Serve.class.getName());
        builder.environment().put("JSORC_ADMIN_PORT", "0");
        builder.environment().put("JSORC_ADMIN_TOKEN", TOKEN);
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        serve = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> found = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("JsOrc admin API: ")) {
                        return line.substring("JsOrc admin API: ".length()).strip();
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        url = found.get(90, TimeUnit.SECONDS);
        assertThat(url).as("the serve app printed its URL").startsWith("http://127.0.0.1:");
        // Keep draining stdout so the child never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the child ended
            }
        }, "serve-stdout");
        drain.setDaemon(true);
        drain.start();
    }

    @AfterAll
    static void stopServe() throws Exception {
        if (serve != null) {
            serve.destroy(); // SIGTERM: the JVM's jsorc-shutdown hook closes the orchestrator
            boolean stopped = serve.waitFor(30, TimeUnit.SECONDS);
            if (!stopped) {
                serve.destroyForcibly(); // fail, but leave no JVM behind
            }
            assertThat(stopped).as("serve stops on SIGTERM").isTrue();
        }
    }

    private static Run jsorc(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("scripts/jsorc").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("JSORC_URL", url);
        builder.environment().put("JSORC_TOKEN", TOKEN);
        builder.environment().putAll(env);
        Path out = Files.createTempFile("jsorc-out", ".txt");
        Path err = Files.createTempFile("jsorc-err", ".txt");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean ended = process.waitFor(180, TimeUnit.SECONDS);
            if (!ended) {
                process.descendants().forEach(ProcessHandle::destroyForcibly); // the CLI's JVM under the script
                process.destroyForcibly();
            }
            assertThat(ended).as("jsorc " + String.join(" ", args)).isTrue();
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Run jsorc(String... args) throws Exception {
        return jsorc(Map.of(), args);
    }

    @Test
    void aConfigRoundTrip() throws Exception {
        Run set = jsorc("config", "set", "GREETER_CONFIG", "-value",
                "{\"enabled\": true, \"greeting\": \"Hej\", \"name\": \"operator\"}");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).contains("\"success\": true");
        Run get = jsorc("config", "get", "GREETER_CONFIG");
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(get.out()).contains("Hej").contains("\n  ");
    }

    @Test
    void anActionModuleUnloadsLoadsAndReportsItsStatus() throws Exception {
        Run unload = jsorc("actions", "unload", "tokenizer");
        assertThat(unload.exit()).as(unload.out() + unload.err()).isZero();
        Run load = jsorc("actions", "load", "tokenizer", "-mode", "module");
        assertThat(load.exit()).as(load.err()).isZero();
        assertThat(load.out()).contains("\"loaded\": true");
        Run status = jsorc("actions", "status", "tokenizer");
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("\"mode\": \"module\"");
    }

    @Test
    void exitCodesSayRefusedUsageAndCannotConnect() throws Exception {
        Run refused = jsorc("config", "get", "NOPE_CONFIG");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("Unknown config name");

        Run usage = jsorc("config", "get");
        assertThat(usage.exit()).isEqualTo(2);

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Run unreachable = jsorc(Map.of("JSORC_URL", "http://127.0.0.1:" + closed), "config", "list");
        assertThat(unreachable.exit()).isEqualTo(3);
        assertThat(unreachable.err()).contains("127.0.0.1:" + closed).containsAnyOf("--url", "JSORC_URL");

        Run wrongToken = jsorc(Map.of("JSORC_TOKEN", "wrong"), "config", "list");
        assertThat(wrongToken.exit()).isEqualTo(1);
        assertThat(wrongToken.err()).doesNotContain(TOKEN);
    }

    @Test
    void readinessAnswersWithoutAToken() throws Exception {
        java.net.http.HttpResponse<String> ready = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/readyz")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("UP");
    }
}
