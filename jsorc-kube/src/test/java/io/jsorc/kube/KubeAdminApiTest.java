package io.jsorc.kube;

import io.jsorc.Orchestrator;
import io.jsorc.admin.AdminService;
import io.jsorc.base.Json;
import io.jsorc.config.MemoryHook;
import io.jsorc.kube.fixtures.Backend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API's manifest operations with a running kube service (the Kubernetes test API server): apply_yaml
 * answers the regeneration loop's apply report, load_yaml applies at once.
 */
class KubeAdminApiTest {

    private static final String TOKEN = "kube-admin-test-token";
    private static final String CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: backend-settings}\n"
            + "data: {mode: fast}\n";

    private KubeTestServer server;
    private Orchestrator orchestrator;
    private String url;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = new KubeTestServer();
        server.create("/api/v1/namespaces", Map.of("apiVersion", "v1", "kind", "Namespace",
                "metadata", Map.of("name", "jsorc")));
        orchestrator = Orchestrator.builder().scanPackages().register(Backend.class).hook(new MemoryHook())
                .config("KUBE_CONFIG", server.kubeConfig("jsorc"))
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 1, \"pre_loaded_services\": [\"kube\"]}")
                .config("ADMIN_CONFIG", "{\"enabled\": true, \"port\": 0, \"token\": \"" + TOKEN + "\"}")
                .build().start();
        url = orchestrator.svc("admin", AdminService.class).url();
    }

    @AfterEach
    void stop() {
        orchestrator.close();
        server.close();
    }

    private Map<String, Object> post(String operation, Map<String, Object> body, int status) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/js_admin/" + operation))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return Json.parseObject(response.body(), operation);
    }

    @Test
    void applyYamlAnswersTheApplyReportOfTheRegenerationLoop() throws Exception {
        Map<String, Object> answer = post("apply_yaml", Map.of("name", "backend", "yaml", CONFIG_MAP), 200);
        assertThat(answer).containsEntry("key", "BACKEND_MANIFEST").containsKey("resources");
        assertThat(answer.get("resources").toString()).contains("ConfigMap").contains("backend-settings")
                .contains("action=created");
        assertThat(server.get("/api/v1/namespaces/jsorc/configmaps/backend-settings")).isPresent();
    }

    @Test
    void loadYamlAppliesFreeStandingResourcesAtOnce() throws Exception {
        Map<String, Object> answer = post("load_yaml", Map.of("files", List.of(CONFIG_MAP.replace("backend-settings",
                "free-settings")), "namespace", "jsorc"), 200);
        assertThat(answer).containsEntry("success", true);
        assertThat(answer.get("resources").toString()).contains("free-settings").contains("action=created");
        assertThat(server.get("/api/v1/namespaces/jsorc/configmaps/free-settings")).isPresent();
        Map<String, Object> invalid = post("load_yaml", Map.of("files", List.of("kind: ConfigMap\nmetadata: {}\n")),
                400);
        assertThat(invalid).containsEntry("success", false);
    }
}
