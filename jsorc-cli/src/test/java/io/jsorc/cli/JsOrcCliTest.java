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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI in-process against a fake admin server: tokens, output, exit codes, files, timeouts. */
class JsOrcCliTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

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

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("JSORC_URL", server.url());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    // --- tokens ---------------------------------------------------------------------------------------------------

    @Test
    void tokenFromOptionFromEnvironmentAndFromFile() throws Exception {
        assertThat(CliRun.run(env(), "--token", "opt-token", "config", "list").exitCode()).isZero();
        assertThat(server.take().authorization()).isEqualTo("Bearer opt-token");

        assertThat(CliRun.run(env("JSORC_TOKEN", "env-token"), "config", "list").exitCode()).isZero();
        assertThat(server.take().authorization()).isEqualTo("Bearer env-token");

        Path file = Files.writeString(dir.resolve("token"), "file-token\n");
        assertThat(CliRun.run(env("JSORC_TOKEN", "env-token"), "config", "list", "--token-file", file.toString())
                .exitCode()).isZero();
        assertThat(server.take().authorization()).as("--token-file wins over JSORC_TOKEN").isEqualTo("Bearer file-token");

        assertThat(CliRun.run(env("JSORC_TOKEN", "env-token"), "config", "list", "--token=opt-token").exitCode())
                .isZero();
        assertThat(server.take().authorization()).as("--token wins over JSORC_TOKEN").isEqualTo("Bearer opt-token");
    }

    @Test
    void noTokenSendsNoHeaderAndA401SaysWhereTheTokenComesFrom() throws Exception {
        server.reply(401, "{\"success\": false, \"message\": \"Missing or wrong admin token.\"}");

        CliRun run = CliRun.run(env(), "config", "list");

        assertThat(server.take().authorization()).isNull();
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).startsWith("jsorc: refused (HTTP 401): Missing or wrong admin token.")
                .contains("--token", "--token-file", "JSORC_TOKEN");
    }

    @Test
    void theTokenIsNeverPrinted() throws Exception {
        server.reply(401, "{\"success\": false, \"message\": \"Missing or wrong admin token.\"}");
        CliRun refused = CliRun.run(env("JSORC_TOKEN", "s3cret-env"), "config", "list");
        CliRun usage = CliRun.run(env(), "--token", "s3cret-opt", "config", "get");
        CliRun badChar = CliRun.run(env("JSORC_TOKEN", "s3cret with space"), "config", "list");

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(badChar.exitCode()).isEqualTo(2);
        assertThat(badChar.err()).contains("JSORC_TOKEN", "not allowed in an HTTP header");
        for (CliRun run : new CliRun[] {refused, usage, badChar}) {
            assertThat(run.out() + run.err()).doesNotContain("s3cret");
        }
    }

    @Test
    void tokenAndTokenFileTogetherOrAMissingTokenFileAreUsageErrors() {
        CliRun both = CliRun.run(env(), "--token", "a", "--token-file", dir.resolve("t").toString(), "config", "list");
        CliRun missing = CliRun.run(env(), "--token-file", dir.resolve("nope").toString(), "config", "list");

        assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
        assertThat(both.err()).contains("--token or --token-file, not both");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read --token-file " + dir.resolve("nope"), "no such file");
        assertThat(server.drain()).isEmpty();
    }

    // --- output and refusals --------------------------------------------------------------------------------------

    @Test
    void printsTheAnswerIndented() {
        server.reply(200, "{\"running_interval\":1,\"config\":{\"names\":[\"a\",\"b\"],\"empty\":[],\"obj\":{}},"
                + "\"n\":null}");

        CliRun run = CliRun.run(env(), "refresh");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("""
                {
                  "running_interval": 1,
                  "config": {
                    "names": [
                      "a",
                      "b"
                    ],
                    "empty": [],
                    "obj": {}
                  },
                  "n": null
                }
                """);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void scalarAndArrayAnswersArePrintedAsJson() {
        server.reply(200, "true").reply(200, "[\"JSORC_CONFIG\",\"REDIS_CONFIG\"]").reply(200, "\"val1\"");

        assertThat(CliRun.run(env(), "config", "exists", "X").out()).isEqualTo("true\n");
        assertThat(CliRun.run(env(), "config", "index").out())
                .isEqualTo("[\n  \"JSORC_CONFIG\",\n  \"REDIS_CONFIG\"\n]\n");
        assertThat(CliRun.run(env(), "config", "get", "k1", "-do_check", "false").out()).isEqualTo("\"val1\"\n");
    }

    @Test
    void httpErrorIsExitOneWithTheServersMessageAndTheBodyOnStdout() {
        String body = "{\"success\": false, \"message\": \"Unknown config name NOPE. Known: JSORC_CONFIG, ...\"}";
        server.reply(404, body);

        CliRun run = CliRun.run(env(), "config", "get", "NOPE");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("jsorc: refused (HTTP 404): Unknown config name NOPE. Known: JSORC_CONFIG, ...\n");
        assertThat(run.out()).isEqualTo("{\n  \"success\": false,\n  \"message\": "
                + "\"Unknown config name NOPE. Known: JSORC_CONFIG, ...\"\n}\n");
    }

    @Test
    void successFalseWithStatus200IsExitOne() {
        server.reply(200, "{\"success\": false, \"message\": \"Module calc is not loaded.\"}");

        CliRun run = CliRun.run(env(), "actions", "unload", "calc");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("jsorc: refused: Module calc is not loaded.\n");
    }

    @Test
    void aConfigValueHoldingSuccessFalseIsNoRefusal() {
        server.reply(200, "{\"success\": false, \"retries\": 3}");

        CliRun run = CliRun.run(env(), "config", "get", "MY_CONFIG", "-do_check", "false");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("{\n  \"success\": false,\n  \"retries\": 3\n}\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void nonJsonAnswersArePrintedRaw() {
        server.reply(new FakeAdminServer.Reply(502, "text/html", "<html>Bad\u001b[31m gateway</html>", 0))
                .reply(new FakeAdminServer.Reply(200, "text/plain", "plain ok", 0));

        CliRun failed = CliRun.run(env(), "config", "list");
        CliRun ok = CliRun.run(env(), "config", "list");

        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.out()).isEqualTo("<html>Bad\u001b[31m gateway</html>\n");
        assertThat(failed.err()).as("no control characters reach the terminal from stderr")
                .isEqualTo("jsorc: refused (HTTP 502): <html>Bad?[31m gateway</html>\n");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).isEqualTo("plain ok\n");
    }

    // --- usage errors (exit 2), nothing sent ----------------------------------------------------------------------

    @Test
    void unknownCommandIsAUsageError() {
        CliRun run = CliRun.run(env(), "confg", "list");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("Unmatched argument", "confg");
        assertThat(run.out()).isEmpty();
        assertThat(server.drain()).isEmpty();
    }

    @Test
    void aMistypedTokenOptionNeverEchoesTheToken() {
        CliRun run = CliRun.run(env(), "config", "list", "--tokne=s3cret-token-value");
        CliRun loose = CliRun.run(env(), "config", "list", "-token", "c2VjcmV0LXRva2VuLXZhbHVlLTEyMw==");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("--tokne=****").doesNotContain("s3cret");
        assertThat(loose.exitCode()).as(loose.toString()).isEqualTo(2);
        assertThat(loose.err()).doesNotContain("c2VjcmV0LXRva2VuLXZhbHVlLTEyMw");
        assertThat(server.drain()).isEmpty();
    }

    @Test
    void missingArgumentPrintsTheCommandsUsage() {
        CliRun run = CliRun.run(env(), "config", "set", "X");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option", "-value=V", "Usage: jsorc config set");
        assertThat(server.drain()).isEmpty();
    }

    @Test
    void missingSubcommandAndBadBooleanAreUsageErrors() {
        CliRun group = CliRun.run(env(), "actions");
        CliRun bool = CliRun.run(env(), "config", "get", "X", "-do_check", "maybe");

        assertThat(group.exitCode()).as(group.toString()).isEqualTo(2);
        assertThat(group.err()).contains("Missing required subcommand", "Usage: jsorc actions");
        assertThat(bool.exitCode()).as(bool.toString()).isEqualTo(2);
        assertThat(bool.err()).contains("-do_check", "maybe");
        assertThat(server.drain()).isEmpty();
    }

    @Test
    void configThatIsNotAJsonObjectIsAUsageError() {
        CliRun notJson = CliRun.run(env(), "service", "config_set", "redis", "-config", "{port: 1");
        CliRun array = CliRun.run(env(), "service", "config_set", "redis", "-config", "[1, 2]");
        CliRun params = CliRun.run(env(), "actionpolicy", "set", "Default", "-policy_params", "\"x\"");

        assertThat(notJson.exitCode()).as(notJson.toString()).isEqualTo(2);
        assertThat(notJson.err()).contains("-config must be a JSON object", "it is not JSON",
                "Usage: jsorc service config_set");
        assertThat(array.exitCode()).as(array.toString()).isEqualTo(2);
        assertThat(array.err()).contains("-config must be a JSON object", "it is a JSON array");
        assertThat(params.exitCode()).as(params.toString()).isEqualTo(2);
        assertThat(params.err()).contains("-policy_params must be a JSON object", "it is a JSON string");
        assertThat(server.drain()).isEmpty();
    }

    @Test
    void badUrlAndBadTimeoutAreUsageErrors() {
        CliRun scheme = CliRun.run(env(), "--url", "ftp://host", "config", "list");
        CliRun userInfo = CliRun.run(env(), "--url", "http://admin:pw@127.0.0.1:1", "config", "list");
        CliRun timeout = CliRun.run(env(), "--timeout", "0", "config", "list");

        assertThat(scheme.exitCode()).as(scheme.toString()).isEqualTo(2);
        assertThat(scheme.err()).contains("must start with http:// or https://");
        assertThat(userInfo.exitCode()).as(userInfo.toString()).isEqualTo(2);
        assertThat(userInfo.err()).contains("must not hold user info").doesNotContain("pw@");
        assertThat(timeout.exitCode()).as(timeout.toString()).isEqualTo(2);
        assertThat(timeout.err()).contains("--timeout must be a positive number of seconds");
        assertThat(server.drain()).isEmpty();
    }

    @Test
    void aPortOutOfRangeIsAUsageErrorNotAStackTrace() {
        for (String port : List.of("99999", "0")) {
            CliRun run = CliRun.run(env(), "--url", "http://127.0.0.1:" + port, "config", "list");
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            assertThat(run.err()).as(run.toString()).contains("has port " + port, "allowed: 1 to 65535")
                    .doesNotContain("\tat ");
        }
        assertThat(server.drain()).isEmpty();
    }

    @Test
    void aBadUrlsPasswordOrTokenIsNeverEchoed() {
        CliRun query = CliRun.run(env(), "--url", "http://127.0.0.1:9466/?token=S3CRET", "config", "list");
        CliRun spaced = CliRun.run(env(), "--url", "http://admin:pa ss@host", "config", "list");
        CliRun fragment = CliRun.run(env(), "--url", "http://127.0.0.1:9466/#S3CRET", "config", "list");

        for (CliRun run : List.of(query, spaced, fragment)) {
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            assertThat(run.err()).as(run.toString()).contains("the admin URL").doesNotContain("S3CRET")
                    .doesNotContain("pa ss");
        }
        assertThat(query.err()).contains("'http://127.0.0.1:9466/?****' must not have a query");
        assertThat(AdminClient.shown("ftp://u:p@ss@h/x?t=1#f")).isEqualTo("ftp://****@h/x?****");
        assertThat(server.drain()).isEmpty();
    }

    @Test
    void loadTestPhasesBelowOneAreUsageErrors() {
        CliRun eval = CliRun.run(env(), "loadtest", "calc_load", "-eval_phase", "0");
        CliRun perf = CliRun.run(env(), "loadtest", "calc_load", "-perf_phase", "0");
        assertThat(eval.exitCode()).as(eval.toString()).isEqualTo(2);
        assertThat(eval.err()).contains("-eval_phase");
        assertThat(perf.exitCode()).as(perf.toString()).isEqualTo(2);
        assertThat(server.drain()).isEmpty();
    }

    // --- files ----------------------------------------------------------------------------------------------------

    @Test
    void applyYamlSendsTheFileAndAMissingFileIsAUsageErrorNamingIt() throws Exception {
        String yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: redis # é\n---\nkind: ConfigMap\n";
        Path file = Files.writeString(dir.resolve("redis.yaml"), yaml, StandardCharsets.UTF_8);

        CliRun ok = CliRun.run(env(), "apply_yaml", "redis", file.toString(), "-unsafe_paraphrase", "I know");
        FakeAdminServer.Request request = server.take();
        CliRun missing = CliRun.run(env(), "apply_yaml", "redis", dir.resolve("missing.yaml").toString());

        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(request.path()).isEqualTo("/js_admin/apply_yaml");
        assertThat(MAPPER.readTree(request.body())).isEqualTo(MAPPER.createObjectNode()
                .put("name", "redis").put("yaml", yaml).put("unsafe_paraphrase", "I know"));
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read FILE " + dir.resolve("missing.yaml") + ": no such file");
        assertThat(server.drain()).isEmpty();
    }

    @Test
    void loadYamlSendsEveryFileOrNothing() throws Exception {
        Path a = Files.writeString(dir.resolve("a.yaml"), "kind: A\n");
        Path b = Files.writeString(dir.resolve("b.yaml"), "kind: B\n");

        CliRun ok = CliRun.run(env(), "load_yaml", a.toString(), b.toString(), "-namespace", "prod");
        FakeAdminServer.Request request = server.take();
        CliRun oneMissing = CliRun.run(env(), "load_yaml", a.toString(), dir.resolve("c.yaml").toString());
        CliRun none = CliRun.run(env(), "load_yaml");

        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(MAPPER.readTree(request.body())).isEqualTo(MAPPER.readTree(
                "{\"files\": [\"kind: A\\n\", \"kind: B\\n\"], \"namespace\": \"prod\"}"));
        assertThat(oneMissing.exitCode()).as(oneMissing.toString()).isEqualTo(2);
        assertThat(oneMissing.err()).contains("c.yaml");
        assertThat(none.exitCode()).as(none.toString()).isEqualTo(2);
        assertThat(server.drain()).isEmpty();
    }

    // --- cannot connect, timeouts ---------------------------------------------------------------------------------

    @Test
    void closedPortIsExitThreeNamingTheUrlAndHowToSetIt() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;

        CliRun run = CliRun.run(Map.of("JSORC_URL", url), "config", "list");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.err()).contains(url, "connection refused", "--url", "JSORC_URL");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void noAnswerWithinTheTimeoutIsExitOne() {
        server.reply(new FakeAdminServer.Reply(200, "application/json", "{}", 30_000));
        long start = System.nanoTime();

        CliRun run = CliRun.run(env(), "--timeout", "1", "config", "list");

        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("--timeout 1 against a 30 s answer returned after " + millis + " ms");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("no answer from " + server.url() + "/js_admin/config_list within 1 s",
                "--timeout");
        assertThat(millis).as("gave up long before the 30 s answer came").isLessThan(15_000);
    }

    @Test
    void loadtestWaitsItsExperimentDurationOnTopOfTheTimeout() {
        server.reply(new FakeAdminServer.Reply(200, "application/json", "{\"walker\": {}}", 2_000));
        long start = System.nanoTime();

        CliRun run = CliRun.run(env(), "--timeout", "1", "loadtest", "walker", "-experiment_duration", "5");

        System.out.println("loadtest (--timeout 1, experiment 5 s) against a 2 s answer took "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("\"walker\": {}");
    }

    // --- help, version, completion --------------------------------------------------------------------------------

    @Test
    void helpListsEveryCommandGroupAndItsSubcommands() {
        CliRun top = CliRun.run(Map.of(), "--help");
        CliRun config = CliRun.run(Map.of(), "config", "--help");
        CliRun get = CliRun.run(Map.of(), "config", "get", "-h");

        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("config", "service", "refresh", "apply_yaml", "load_yaml", "actions",
                "actionpolicy", "trackact", "benchmark", "tracksys", "loadtest", "generate-completion",
                "--url", "--token", "--token-file", "--timeout", "JSORC_URL", "JSORC_TOKEN", "Exit codes");
        assertThat(config.exitCode()).isZero();
        assertThat(config.out()).contains("get", "set", "update", "list", "index", "exists", "delete");
        assertThat(get.exitCode()).isZero();
        assertThat(get.out()).contains("Usage: jsorc config get", "-do_check");
    }

    @Test
    void versionAndCompletionScript() {
        CliRun version = CliRun.run(Map.of(), "--version");
        CliRun completion = CliRun.run(Map.of(), "generate-completion");

        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("jsorc ");
        assertThat(completion.exitCode()).isZero();
        assertThat(completion.out()).contains("complete -F", "jsorc", "actionpolicy", "-do_check");
    }
}
