package io.jsorc.services.elastic;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.jsorc.base.Json;
import io.jsorc.services.elastic.ElasticClient.Distribution;
import io.jsorc.services.elastic.LogLifecycle.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lifecycle requests against a stand-in for the two APIs no in-JVM server here has: Elasticsearch's ILM and
 * OpenSearch's ISM plugin (the OpenSearch of the service tests has neither). The stand-in stores what it is given
 * and answers like the real APIs: 404 for a missing policy or template (for ISM's first policy, 404
 * {@code index_not_found_exception}: its config index does not exist yet), 409 for an ISM policy that exists.
 */
class LogLifecycleTest {

    private final Map<String, String> stored = new ConcurrentHashMap<>();
    private final List<String> writes = new CopyOnWriteArrayList<>();
    private HttpServer server;
    /** Another replica creates the ISM policy between this one's GET and PUT. */
    private volatile boolean racing;

    private ElasticClient start(String flavour) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status;
            String answer;
            if (path.equals("/")) {
                status = 200;
                answer = flavour.equals("opensearch") ? "{\"version\":{\"distribution\":\"opensearch\"}}"
                        : "{\"version\":{\"number\":\"8.15.0\",\"build_flavor\":\"default\"}}";
            } else if (method.equals("GET") && path.startsWith("/_plugins/_ism/")
                    && (stored.isEmpty() || racing)) {
                // ISM before its first policy: its config index does not exist yet.
                status = 404;
                answer = "{\"error\":{\"type\":\"index_not_found_exception\",\"reason\":\"no such index "
                        + "[.opendistro-ism-config]\"},\"status\":404}";
            } else if (method.equals("GET")) {
                status = stored.containsKey(path) ? 200 : 404;
                answer = stored.getOrDefault(path, "{\"error\":{\"type\":\"resource_not_found_exception\","
                        + "\"reason\":\"not found\"},\"status\":404}");
            } else if (method.equals("PUT") && path.startsWith("/_plugins/_ism/") && stored.containsKey(path)) {
                status = 409;
                answer = "{\"error\":{\"type\":\"version_conflict_engine_exception\",\"reason\":\"exists\"}}";
            } else if (method.equals("PUT")) {
                writes.add(method + " " + path);
                stored.put(path, body);
                status = 200;
                answer = "{\"acknowledged\":true}";
            } else {
                status = 405;
                answer = "{}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return new ElasticClient("http://127.0.0.1:" + server.getAddress().getPort(), null, null,
                Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void elasticsearchGetsAnIlmPolicyAndATemplateThatNamesItOnce() throws Exception {
        ElasticClient client = start("elasticsearch");
        assertThat(client.distribution()).isEqualTo(Distribution.ELASTICSEARCH);
        assertThat(LogLifecycle.ensure(client, Distribution.ELASTICSEARCH, List.of("core", "app")))
                .containsEntry("policy", Outcome.CREATED).containsEntry("template", Outcome.CREATED);
        assertThat(LogLifecycle.ensure(client, Distribution.ELASTICSEARCH, List.of("core", "app")))
                .containsEntry("policy", Outcome.EXISTS).containsEntry("template", Outcome.EXISTS);
        assertThat(writes).containsExactly("PUT /_ilm/policy/jsorc-logs-ilm-policy", "PUT /_index_template/jsorc-logs");

        JsonNode policy = Json.mapper().readTree(stored.get("/_ilm/policy/jsorc-logs-ilm-policy")).path("policy");
        assertThat(policy.at("/phases/hot/actions/rollover/max_size").asText()).isEqualTo("1gb");
        assertThat(policy.at("/phases/hot/actions/rollover/max_age").asText()).isEqualTo("7d");
        assertThat(policy.at("/phases/delete/min_age").asText()).isEqualTo("14d");
        assertThat(policy.at("/phases/delete/actions").has("delete")).isTrue();
        JsonNode template = Json.mapper().readTree(stored.get("/_index_template/jsorc-logs"));
        assertThat(template.path("index_patterns").toString()).isEqualTo("[\"core*\",\"app*\"]");
        assertThat(template.has("data_stream")).isTrue();
        assertThat(template.at("/template/settings/index.lifecycle.name").asText())
                .isEqualTo("jsorc-logs-ilm-policy");
    }

    @Test
    void openSearchGetsTheIsmEquivalentAttachedToTheBackingIndices() throws Exception {
        ElasticClient client = start("opensearch");
        assertThat(client.distribution()).isEqualTo(Distribution.OPENSEARCH);
        assertThat(LogLifecycle.ensure(client, Distribution.OPENSEARCH, List.of("core", "app")))
                .containsEntry("policy", Outcome.CREATED).containsEntry("template", Outcome.CREATED);
        assertThat(LogLifecycle.ensure(client, Distribution.OPENSEARCH, List.of("core", "app")))
                .containsEntry("policy", Outcome.EXISTS).containsEntry("template", Outcome.EXISTS);
        assertThat(writes).hasSize(2);

        JsonNode policy = Json.mapper().readTree(stored.get("/_plugins/_ism/policies/jsorc-logs-ilm-policy"))
                .path("policy");
        assertThat(policy.at("/states/0/actions/0/rollover/min_size").asText()).isEqualTo("1gb");
        assertThat(policy.at("/states/0/actions/0/rollover/min_index_age").asText()).isEqualTo("7d");
        assertThat(policy.at("/states/0/transitions/0/conditions/min_rollover_age").asText()).isEqualTo("14d");
        assertThat(policy.at("/states/1/actions/0").has("delete")).isTrue();
        assertThat(policy.at("/ism_template/0/index_patterns").toString()).isEqualTo("[\".ds-core*\",\".ds-app*\"]");
        JsonNode template = Json.mapper().readTree(stored.get("/_index_template/jsorc-logs"));
        assertThat(template.at("/template/settings").has("index.lifecycle.name")).isFalse(); // unknown to OpenSearch
    }

    @Test
    void aReplicaThatLosesTheIsmRaceSeesExists() throws Exception {
        ElasticClient client = start("opensearch");
        stored.put("/_plugins/_ism/policies/jsorc-logs-ilm-policy", "{}");
        racing = true; // GET still says missing, the PUT finds the other replica's policy: 409
        assertThat(LogLifecycle.ensure(client, Distribution.OPENSEARCH, List.of("core", "app")))
                .containsEntry("policy", Outcome.EXISTS);
        assertThat(writes).containsExactly("PUT /_index_template/jsorc-logs"); // the policy was not overwritten
    }

    /** A server that answers every request with one status and one security error. */
    private ElasticClient answering(int status, String reason) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", exchange -> {
            byte[] bytes = ("{\"error\":{\"type\":\"security_exception\",\"reason\":\"" + reason + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return new ElasticClient("http://127.0.0.1:" + server.getAddress().getPort(), "ApiKey x", null,
                Duration.ofSeconds(5));
    }

    @Test
    void aKeyWithoutLifecyclePrivilegesShipsWithoutThem() throws Exception {
        ElasticClient client = answering(403, "action [cluster:admin/ilm/get] is unauthorized");
        assertThat(LogLifecycle.ensure(client, Distribution.ELASTICSEARCH, List.of("core", "app")))
                .containsEntry("policy", Outcome.UNAVAILABLE).containsEntry("template", Outcome.UNAVAILABLE);
    }

    @Test
    void aServerErrorIsNamedNotTakenForMissing() throws Exception {
        ElasticClient client = answering(401, "missing authentication");
        assertThatThrownBy(() -> LogLifecycle.ensure(client, Distribution.ELASTICSEARCH, List.of("core", "app")))
                .isInstanceOf(ElasticException.class)
                .hasMessageContaining("HTTP 401 security_exception: missing authentication")
                .satisfies(e -> assertThat(((ElasticException) e).errorType()).isEqualTo("security_exception"));
    }
}
