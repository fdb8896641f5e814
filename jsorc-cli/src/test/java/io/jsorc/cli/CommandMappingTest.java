package io.jsorc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every command line maps to its operation ({@code POST /js_admin/<operation>}) and exactly its JSON body. */
class CommandMappingTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static FakeAdminServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = FakeAdminServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    static Stream<Arguments> commands() {
        return Stream.of(
                arguments("config get GREETER_CONFIG", "config_get", "{\"name\": \"GREETER_CONFIG\"}"),
                arguments("config get X -do_check false", "config_get", "{\"name\": \"X\", \"do_check\": false}"),
                arguments("config get X --do_check=true", "config_get", "{\"name\": \"X\", \"do_check\": true}"),
                arguments("config set k1 -value val1 -do_check false", "config_set",
                        "{\"name\": \"k1\", \"value\": \"val1\", \"do_check\": false}"),
                arguments("config set REDIS_CONFIG --value {\"port\":6380}", "config_set",
                        "{\"name\": \"REDIS_CONFIG\", \"value\": \"{\\\"port\\\":6380}\"}"),
                arguments("config update REDIS_CONFIG -field_key port -field_value 6380", "config_update",
                        "{\"name\": \"REDIS_CONFIG\", \"field_key\": \"port\", \"field_value\": \"6380\"}"),
                arguments("config update X -field_key a -field_value b -do_check false", "config_update",
                        "{\"name\": \"X\", \"field_key\": \"a\", \"field_value\": \"b\", \"do_check\": false}"),
                arguments("config list", "config_list", "{}"),
                arguments("config index", "config_index", "{}"),
                arguments("config exists JSORC_CONFIG", "config_exists", "{\"name\": \"JSORC_CONFIG\"}"),
                arguments("config delete k1", "config_delete", "{\"name\": \"k1\"}"),
                arguments("config delete k1 -do_check false", "config_delete", "{\"name\": \"k1\", \"do_check\": false}"),
                arguments("service info redis", "service_info", "{\"name\": \"redis\"}"),
                arguments("service refresh jsorc", "service_refresh", "{\"name\": \"jsorc\"}"),
                arguments("service config_set redis -config {\"enabled\":false,\"port\":6380}", "service_config_set",
                        "{\"name\": \"redis\", \"config\": {\"enabled\": false, \"port\": 6380}}"),
                arguments("refresh", "jsorc_refresh", "{}"),
                arguments("actions config calc {\"module\":\"com.x.Calc\"}", "jsorc_actions_config",
                        "{\"name\": \"calc\", \"config\": \"{\\\"module\\\":\\\"com.x.Calc\\\"}\"}"),
                arguments("actions config calc action-configs.json", "jsorc_actions_config",
                        "{\"name\": \"calc\", \"config\": \"action-configs.json\"}"),
                arguments("actions load calc", "jsorc_actions_load", "{\"name\": \"calc\", \"mode\": \"module\"}"),
                arguments("actions load calc -mode remote", "jsorc_actions_load",
                        "{\"name\": \"calc\", \"mode\": \"remote\"}"),
                arguments("actions status calc", "jsorc_actions_status", "{\"name\": \"calc\"}"),
                arguments("actions status", "jsorc_actions_status", "{}"),
                arguments("actions unload calc", "jsorc_actions_unload",
                        "{\"name\": \"calc\", \"mode\": \"auto\", \"retire_svc\": true}"),
                arguments("actions unload calc -mode remote -retire_svc false", "jsorc_actions_unload",
                        "{\"name\": \"calc\", \"mode\": \"remote\", \"retire_svc\": false}"),
                arguments("actionpolicy set Default", "jsorc_actionpolicy_set",
                        "{\"policy_name\": \"Default\", \"policy_params\": {}}"),
                arguments("actionpolicy set Evaluation -policy_params {\"eval_phase\":5}", "jsorc_actionpolicy_set",
                        "{\"policy_name\": \"Evaluation\", \"policy_params\": {\"eval_phase\": 5}}"),
                arguments("actionpolicy get", "jsorc_actionpolicy_get", "{}"),
                arguments("trackact start", "jsorc_trackact_start", "{}"),
                arguments("trackact stop", "jsorc_trackact_stop", "{}"),
                arguments("benchmark start", "jsorc_benchmark_start", "{}"),
                arguments("benchmark report", "jsorc_benchmark_report", "{}"),
                arguments("benchmark stop", "jsorc_benchmark_stop", "{}"),
                arguments("benchmark stop -report false", "jsorc_benchmark_stop", "{\"report\": false}"),
                arguments("tracksys start", "jsorc_tracksys_start", "{}"),
                arguments("tracksys report", "jsorc_tracksys_report", "{}"),
                arguments("tracksys stop", "jsorc_tracksys_stop", "{}"),
                arguments("loadtest walker", "jsorc_loadtest", "{\"test\": \"walker\"}"),
                arguments("loadtest walker -policy all_remote -experiment_duration 30 -eval_phase 5 -perf_phase 20"
                        + " -mem 512", "jsorc_loadtest", "{\"test\": \"walker\", \"policy\": \"all_remote\","
                        + " \"experiment_duration\": 30, \"eval_phase\": 5, \"perf_phase\": 20, \"mem\": 512}"),
                // Global options after the subcommand are accepted too.
                arguments("config list --timeout 30", "config_list", "{}"));
    }

    @ParameterizedTest(name = "jsorc {0}")
    @MethodSource("commands")
    void mapsToOperationAndBody(String commandLine, String operation, String expectedBody) throws Exception {
        CliRun run = CliRun.run(Map.of("JSORC_URL", server.url(), "JSORC_TOKEN", "t0k"), commandLine.split(" "));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        FakeAdminServer.Request request = server.take();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/js_admin/" + operation);
        assertThat(request.contentType()).isEqualTo("application/json");
        assertThat(request.authorization()).isEqualTo("Bearer t0k");
        assertThat(MAPPER.readTree(request.body())).as(request.body()).isEqualTo(MAPPER.readTree(expectedBody));
        assertThat(server.drain()).as("one request per command").isEmpty();
        assertThat(run.out()).isEqualTo("{\n  \"success\": true\n}\n");
        assertThat(run.err()).isEmpty();
    }
}
