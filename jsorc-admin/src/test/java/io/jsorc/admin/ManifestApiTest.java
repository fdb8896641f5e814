package io.jsorc.admin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** apply_yaml and load_yaml without a running kube service: stored and answered by kind, or 409. */
class ManifestApiTest {

    private static final String YAML = """
            apiVersion: v1
            kind: Service
            metadata:
              name: jsorc-redis
            spec:
              ports:
                - port: 6379
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: jsorc-redis
            spec:
              replicas: 1
            """;

    private static AdminHost host;

    @BeforeAll
    static void start() {
        host = AdminHost.start();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private static byte[] multipart(String boundary, Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((name, value) -> {
            body.append("--").append(boundary).append("\r\n");
            if (name.equals("file")) {
                body.append("Content-Disposition: form-data; name=\"file\"; filename=\"redis.yaml\"\r\n")
                        .append("Content-Type: application/x-yaml\r\n\r\n");
            } else {
                body.append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n");
            }
            body.append(value).append("\r\n");
        });
        body.append("--").append(boundary).append("--\r\n");
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @SuppressWarnings("unchecked")
    void applyYamlAsMultipartStoresTheManifestAndAnswersItByKind() throws Exception {
        AdminClient.Answer answer = host.client.sendBytes("apply_yaml", "multipart/form-data; boundary=XyZ",
                multipart("XyZ", Map.of("name", "redis", "file", YAML)));
        assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
        assertThat(answer.map()).containsEntry("success", true).containsEntry("key", "REDIS_MANIFEST");
        assertThat((Map<String, Object>) answer.map().get("manifest")).containsKeys("Service", "Deployment");
        assertThat(host.orchestrator.configGet("REDIS_MANIFEST")).contains("jsorc-redis").doesNotContain("PVC");
    }

    @Test
    void applyYamlAsJsonByManifestKeyWorksToo() throws Exception {
        AdminClient.Answer answer = host.client.post("apply_yaml", Map.of("name", "REDIS_MANIFEST", "yaml", YAML));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.map()).containsEntry("key", "REDIS_MANIFEST");
    }

    @Test
    void invalidYamlIs400NamingTheDocumentAndNothingIsStored() throws Exception {
        String before = host.orchestrator.configGet("REDIS_MANIFEST");
        AdminClient.Answer answer = host.client.post("apply_yaml", Map.of("name", "redis",
                "yaml", YAML + "---\nkind: Service\nmetadata: [broken\n"));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.message()).contains("not stored").containsIgnoringCase("document");
        assertThat(host.orchestrator.configGet("REDIS_MANIFEST")).isEqualTo(before);
        AdminClient.Answer unknown = host.client.post("apply_yaml", Map.of("name", "nope", "yaml", YAML));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.message()).contains("REDIS_MANIFEST");
    }

    @Test
    void loadYamlWithoutARunningKubeServiceIs409SayingSo() throws Exception {
        AdminClient.Answer answer = host.client.post("load_yaml", Map.of("files", List.of(YAML),
                "namespace", "default"));
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.message()).contains("kube");
    }
}
