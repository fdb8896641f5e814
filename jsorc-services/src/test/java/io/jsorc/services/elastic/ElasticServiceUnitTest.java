package io.jsorc.services.elastic;

import io.jsorc.Orchestrator;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the elastic service does without a server: documents it builds, config it refuses. */
class ElasticServiceUnitTest {

    @Test
    void activityDocumentsLoseCredentialsAndMaskSecrets() {
        Map<String, Object> document = ElasticService.activityDocument(Map.of(
                "method", "POST", "path", "/user/create",
                "headers", Map.of("Authorization", "Bearer t", "authorization", "Bearer u", "Cookie", "s=1",
                        "X-Api-Key", "k", "Accept", "application/json"),
                "body", Map.of("user", Map.of("email", "a@b.c", "password", "hunter2"), "new_password", "x")),
                Map.of("walker", "init", "token", "abc"), "walker_run", Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(document).containsEntry("@timestamp", "2026-11-22T10:00:00Z").containsEntry("action", "walker_run")
                .containsEntry("walker", "init").containsEntry("token", "****");
        @SuppressWarnings("unchecked")
        Map<String, Object> request = (Map<String, Object>) document.get("request");
        assertThat(request).containsEntry("method", "POST").containsEntry("path", "/user/create");
        @SuppressWarnings("unchecked")
        Map<String, Object> headers = (Map<String, Object>) request.get("headers");
        assertThat(headers).containsOnlyKeys("X-Api-Key", "Accept")
                .containsEntry("X-Api-Key", "****").containsEntry("Accept", "application/json");
        assertThat(request.get("body").toString()).doesNotContain("hunter2").contains("password=****")
                .contains("new_password=****").contains("email=a@b.c");
    }

    @Test
    void aBodySentAsJsonTextIsMaskedToo() {
        Map<String, Object> document = ElasticService.activityDocument(Map.of("method", "POST",
                "body", "{\"user\": \"u\", \"password\": \"hunter2\"}", "path", "/login"), null, "login",
                Instant.EPOCH);
        assertThat(document.toString()).doesNotContain("hunter2").contains("password=****").contains("path=/login");
    }

    @Test
    void arraysFormsQueryStringsAndCookiesAreMaskedToo() {
        Map<String, Object> document = ElasticService.activityDocument(Map.of("method", "POST",
                "path", "/login?token=t0k3n&next=/home",
                "headers", Map.of("Set-Cookie", "session=abc", "Accept", "*/*"),
                "body", "user=ann&password=hunter2&remember=1",
                "batch", "[{\"authorization\": \"Basic xyz\", \"credentials\": {\"u\": 1}, \"n\": 2}]"),
                null, "login", Instant.EPOCH);
        String text = document.toString();
        assertThat(text).doesNotContain("t0k3n").doesNotContain("hunter2").doesNotContain("session=abc")
                .doesNotContain("Basic xyz").contains("path=/login?****").contains("user=ann")
                .contains("authorization=****").contains("credentials=****").contains("n=2");
    }

    @Test
    void probeAsksTheServerOnlyAfterItCouldNotBeReached() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (Orchestrator orchestrator = elasticAt("http://127.0.0.1:" + port)) {
            ElasticService elastic = orchestrator.svc("elastic", ElasticService.class);
            assertThat(elastic.hasFailed()).isTrue();
            assertThat(elastic.probe()).isFalse(); // nothing listens
            try (java.net.ServerSocket back = new java.net.ServerSocket(port, 8,
                    java.net.InetAddress.getLoopbackAddress())) {
                assertThat(elastic.probe()).isTrue(); // it answers again: worth a retry now
            }
        }
        com.sun.net.httpserver.HttpServer refusing = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 8);
        refusing.createContext("/", exchange -> {
            byte[] body = "{\"error\":{\"type\":\"security_exception\",\"reason\":\"bad password\"}}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        refusing.start();
        try (Orchestrator orchestrator = elasticAt("http://127.0.0.1:" + refusing.getAddress().getPort())) {
            ElasticService elastic = orchestrator.svc("elastic", ElasticService.class);
            assertThat(elastic.error()).hasMessageContaining("HTTP 401 security_exception: bad password");
            // The port answers, but that cures no wrong password: the backoff decides, not the probe.
            assertThat(elastic.probe()).isFalse();
        } finally {
            refusing.stop(0);
        }
    }

    private static Orchestrator elasticAt(String url) {
        return Orchestrator.builder()
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("ELASTIC_CONFIG", "{\"enabled\": true, \"url\": \"" + url + "\", \"common_index\": \"c\", "
                        + "\"activity_index\": \"a\", \"core_log_index\": \"core\", \"app_log_index\": \"app\", "
                        + "\"timeout_ms\": 1000}")
                .build();
    }

    @Test
    void ansiSequencesAreStripped() {
        assertThat(ElasticLogs.stripAnsi("\u001B[1;31mERROR\u001B[0m done\u001B[2K")).isEqualTo("ERROR done");
        String plain = "no escapes";
        assertThat(ElasticLogs.stripAnsi(plain)).isSameAs(plain);
    }

    @Test
    void badConfigFailsTheServiceNamingTheFieldAndWhatIsAllowed() {
        try (Orchestrator orchestrator = Orchestrator.builder()
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("ELASTIC_CONFIG", "{\"enabled\": true, \"url\": \"http://127.0.0.1:1\", "
                        + "\"common_index\": \"c\", \"activity_index\": \"a\", \"core_log_index\": \"core\", "
                        + "\"app_log_index\": \"app\", \"batch_size\": 0}")
                .build()) {
            ElasticService elastic = orchestrator.svc("elastic", ElasticService.class);
            assertThat(elastic.hasFailed()).isTrue();
            assertThat(elastic.error()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("ELASTIC_CONFIG.batch_size must be a whole number of at least 1, got 0");
        }
        try (Orchestrator orchestrator = Orchestrator.builder()
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("ELASTIC_CONFIG", "{\"enabled\": true, \"common_index\": \"Common\", "
                        + "\"activity_index\": \"a\", \"core_log_index\": \"core\", \"app_log_index\": \"app\"}")
                .build()) {
            assertThat(orchestrator.svc("elastic").error()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("ELASTIC_CONFIG.common_index must be a valid index name (lowercase");
        }
        assertThatThrownBy(() -> new ElasticClient("localhost:9200", null, null, java.time.Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The Elasticsearch url must be http(s)://host[:port], got 'localhost:9200'");
    }

    @Test
    void disabledByDefaultAndHostLogsAreUnroutedUntilItRuns() {
        try (Orchestrator orchestrator = Orchestrator.builder().config("REDIS_CONFIG", "{\"enabled\": false}")
                .build()) {
            ElasticService elastic = orchestrator.svc("elastic", ElasticService.class);
            assertThat(elastic.isEnabled()).isFalse();
            assertThat(elastic.config()).containsEntry("common_index", "jsorc-common")
                    .containsEntry("activity_index", "jsorc-activity").containsEntry("core_log_index", "core")
                    .containsEntry("app_log_index", "app").containsEntry("batch_size", 500)
                    .containsEntry("flush_ms", 1000).containsEntry("queue_capacity", 10000);
            assertThatThrownBy(() -> elastic.log("INFO", "x", "y", null))
                    .hasMessageContaining("disabled or not yet configured");
            ElasticJulHandler handler = new ElasticJulHandler(orchestrator);
            handler.publish(new java.util.logging.LogRecord(java.util.logging.Level.INFO, "nobody ships this"));
            assertThat(handler.unrouted()).isEqualTo(1);
            assertThat(ElasticLogs.ifActive(orchestrator)).isEmpty();
        }
    }
}
