package io.jsorc.services.elastic;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import io.jsorc.Orchestrator;
import io.jsorc.ServiceState;
import io.jsorc.base.Json;
import io.jsorc.metrics.JsOrcMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The elastic service against a real OpenSearch node in the JVM. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ElasticServiceTest {

    private static SearchServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = SearchServer.startNew();
    }

    @AfterEach
    void serverIsUpForTheNextTest() {
        server.ensureStarted();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static Orchestrator orchestrator(String elasticConfig) {
        return Orchestrator.builder()
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 0.5, \"pre_loaded_services\": []}")
                .config("ELASTIC_CONFIG", "{\"enabled\": true, \"automated\": true, \"url\": \"" + server.url() + "\", "
                        + "\"common_index\": \"jsorc-common\", \"activity_index\": \"jsorc-activity\", "
                        + "\"core_log_index\": \"core\", \"app_log_index\": \"app\", \"timeout_ms\": 2000"
                        + elasticConfig + "}")
                .build().start();
    }

    @Test
    @Order(1)
    void createsPolicyAndTemplateOnceAndShipsTenThousandRecordsInBulk() throws Exception {
        try (Orchestrator first = orchestrator(", \"batch_size\": 500, \"flush_ms\": 1000")) {
            ElasticService elastic = first.svc("elastic", ElasticService.class);
            assertThat(elastic.isRunning()).as(String.valueOf(elastic.error())).isTrue();
            assertThat(elastic.distribution()).isEqualTo(ElasticClient.Distribution.OPENSEARCH);
            // The runner's node has no index-management plugin, so no ISM API: reported, not fatal.
            assertThat(elastic.lifecycle()).containsEntry("template", "created").containsEntry("policy",
                    "unavailable");
            JsonNode template = Json.mapper().readTree(server.call("GET", "/_index_template/jsorc-logs", null).body())
                    .path("index_templates").path(0).path("index_template");
            assertThat(template.path("index_patterns").toString()).isEqualTo("[\"core*\",\"app*\"]");
            assertThat(template.has("data_stream")).isTrue();

            int records = 10_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < records; i++) {
                elastic.log("INFO", "test.bulk", "\u001B[32mrecord\u001B[0m " + i, Map.of("test", "bulk", "seq", i));
            }
            long enqueued = System.nanoTime() - t0;
            assertThat(elastic.flush(Duration.ofSeconds(60))).as("flushed").isTrue();
            long flushed = System.nanoTime() - t0;
            assertThat(server.count("app", "{\"match\": {\"test\": \"bulk\"}}")).isEqualTo(records);
            long requests = elastic.bulkRequests();
            System.out.printf("10,000 records: enqueued in %d ms, all indexed %d ms after the first, in %d bulk "
                    + "requests%n", enqueued / 1_000_000, flushed / 1_000_000, requests);
            assertThat(requests).isBetween(1L, 40L); // 500 per batch: at least 20 of them, not 10,000
            assertThat(elastic.shipped()).isGreaterThanOrEqualTo(records);
            assertThat(elastic.dropped()).isZero();

            JsonNode hit = Json.mapper().readTree(server.call("POST", "/app/_search", "{\"query\": {\"match\": "
                    + "{\"seq\": 7}}}").body()).path("hits").path("hits").path(0).path("_source");
            assertThat(hit.path("message").asText()).isEqualTo("record 7"); // ANSI colours stripped
            assertThat(hit.path("level").asText()).isEqualTo("INFO");
            assertThat(hit.path("logger").asText()).isEqualTo("test.bulk");
            assertThat(hit.path("@timestamp").asText()).isNotEmpty();
            JsonNode stream = Json.mapper().readTree(server.call("GET", "/_data_stream/app", null).body());
            assertThat(stream.path("data_streams").path(0).path("template").asText()).isEqualTo("jsorc-logs");
        }
        try (Orchestrator second = orchestrator("")) {
            ElasticService elastic = second.svc("elastic", ElasticService.class);
            assertThat(elastic.isRunning()).as(String.valueOf(elastic.error())).isTrue();
            assertThat(elastic.lifecycle()).containsEntry("template", "exists"); // not created twice
        }
    }

    @Test
    @Order(2)
    void anOutageBlocksNoCallerAndRecordsAfterTheRestartArrive() throws Exception {
        try (Orchestrator orchestrator = orchestrator(", \"batch_size\": 100, \"flush_ms\": 100, "
                + "\"queue_capacity\": 1000")) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            new JsOrcMetrics(orchestrator).bindTo(meters);
            ElasticService elastic = orchestrator.svc("elastic", ElasticService.class);
            assertThat(elastic.isRunning()).as(String.valueOf(elastic.error())).isTrue();
            log(orchestrator, "before", 500);
            assertThat(elastic.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(server.count("app", phase("before"))).isEqualTo(500);

            server.stop();
            int during = 3000;
            AtomicLong slowest = new AtomicLong();
            Thread producer = new Thread(() -> slowest.set(log(orchestrator, "during", during)), "test-producer");
            producer.start();
            producer.join(30_000);
            // Every call returned while the server was still down: nothing waited for it.
            assertThat(producer.isAlive()).as("a log call blocked").isFalse();
            System.out.printf("While the server was down: %d records logged, slowest call %.3f ms, %d dropped%n",
                    during, slowest.get() / 1e6, orchestrator.svc("elastic", ElasticService.class).dropped());
            await().atMost(Duration.ofSeconds(30)).until(() -> orchestrator.svc("elastic").state()
                    == ServiceState.FAILED);

            server.start();
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> orchestrator.svc("elastic").isRunning());
            System.out.printf("elastic RUNNING again %d ms after the server was back%n",
                    (System.nanoTime() - t0) / 1_000_000);
            ElasticService back = orchestrator.svc("elastic", ElasticService.class);
            assertThat(back).isNotSameAs(elastic); // regenerated
            log(orchestrator, "after", 500);
            assertThat(back.flush(Duration.ofSeconds(60))).isTrue();
            assertThat(server.count("app", phase("after"))).isEqualTo(500);

            long dropped = back.dropped();
            long survived = server.count("app", phase("during"));
            System.out.printf("Of %d records logged during the outage: %d arrived after it, %d dropped%n", during,
                    survived, dropped);
            assertThat(dropped).isGreaterThanOrEqualTo(during - 1000 - 100); // capacity 1000, one batch in hand
            assertThat(survived + dropped).isGreaterThanOrEqualTo(during); // the rest was not lost
            // Summed over the index tag: JsOrc's own events of the outage (index "core") share the queue and may be
            // among the dropped records too.
            assertThat(meters.find("jsorc.logs.dropped").counters().stream()
                    .mapToDouble(io.micrometer.core.instrument.Counter::count).sum()).isEqualTo((double) dropped);
            assertThat(meters.find("jsorc.logs.dropped").tag("index", "app").counter().count()).isPositive();
            // JsOrc's own events of the outage reached the core stream once the server was back.
            assertThat(server.count("core", "{\"bool\": {\"must\": [{\"match\": {\"service\": \"elastic\"}}, "
                    + "{\"match\": {\"to\": \"FAILED\"}}]}}")).isPositive();
        }
    }

    @Test
    @Order(3)
    void recordsLoggedWhileTheServerIsDownAtStartupArriveOnceItIsUp() throws Exception {
        server.stop();
        try (Orchestrator orchestrator = orchestrator(", \"batch_size\": 100, \"flush_ms\": 100")) {
            ElasticService elastic = orchestrator.svc("elastic", ElasticService.class);
            assertThat(elastic.hasFailed()).isTrue();
            ElasticJulHandler jul = new ElasticJulHandler(orchestrator);
            for (int i = 0; i < 300; i++) {
                elastic.log("INFO", "test.startup", "early " + i, Map.of("test", "startup"));
            }
            LogRecord viaJul = new LogRecord(Level.INFO, "early via jul");
            viaJul.setLoggerName("test.startup.jul");
            jul.publish(viaJul);
            assertThat(jul.unrouted()).isZero(); // queued, not discarded
            assertThat(elastic.logs().pending()).isGreaterThanOrEqualTo(301);

            server.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> orchestrator.svc("elastic").isRunning());
            ElasticService running = orchestrator.svc("elastic", ElasticService.class);
            assertThat(running.flush(Duration.ofSeconds(60))).isTrue();
            assertThat(server.count("app", "{\"match\": {\"test\": \"startup\"}}")).isEqualTo(300);
            assertThat(server.count("app", "{\"match\": {\"logger\": \"test.startup.jul\"}}")).isEqualTo(1);
        }
    }

    @Test
    @Order(4)
    void hostLogsActivityAndCoreEventsArrive() throws Exception {
        try (Orchestrator orchestrator = orchestrator(", \"batch_size\": 50, \"flush_ms\": 100")) {
            ElasticJulHandler jul = new ElasticJulHandler(orchestrator);
            jul.publish(new LogRecord(Level.INFO, "before the service ran"));
            assertThat(jul.unrouted()).isEqualTo(1);

            ElasticService elastic = orchestrator.svc("elastic", ElasticService.class);
            assertThat(elastic.isRunning()).as(String.valueOf(elastic.error())).isTrue();
            LogRecord severe = new LogRecord(Level.SEVERE, "jul says {0} \u001B[31mred\u001B[0m");
            severe.setParameters(new Object[]{"hello"});
            severe.setLoggerName("host.jul");
            jul.publish(severe);

            LoggerContext context = new LoggerContext();
            context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
            ElasticLogbackAppender appender = new ElasticLogbackAppender();
            appender.setContext(context);
            appender.setOrchestrator(orchestrator);
            appender.start();
            ch.qos.logback.classic.Logger logback = context.getLogger("host.logback");
            logback.addAppender(appender);
            context.getMDCAdapter().put("request_id", "r-42");
            logback.warn("logback says {}", 42, new IllegalStateException("boom"));
            context.getMDCAdapter().clear();
            appender.stop();

            elastic.activity(Map.of("method", "POST", "path", "/user/create",
                    "headers", Map.of("Authorization", "Bearer abc.def", "Content-Type", "application/json"),
                    "body", Map.of("email", "a@b.c", "password", "hunter2")), Map.of("test", "activity"),
                    "user_create");
            elastic.document(Map.of("test", "common", "n", 1));
            orchestrator.svc("probe");
            assertThat(elastic.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(elastic.rejected()).isZero();
            assertThat(appender.unrouted()).isZero();

            JsonNode julDoc = only("app", "{\"match\": {\"logger\": \"host.jul\"}}");
            assertThat(julDoc.path("message").asText()).isEqualTo("jul says hello red");
            assertThat(julDoc.path("level").asText()).isEqualTo("ERROR");
            assertThat(julDoc.path("jul_level").asText()).isEqualTo("SEVERE");
            JsonNode logbackDoc = only("app", "{\"match\": {\"logger\": \"host.logback\"}}");
            assertThat(logbackDoc.path("message").asText()).isEqualTo("logback says 42");
            assertThat(logbackDoc.path("level").asText()).isEqualTo("WARN");
            assertThat(logbackDoc.path("stack_trace").asText()).contains("IllegalStateException: boom");
            assertThat(logbackDoc.path("mdc").path("request_id").asText()).isEqualTo("r-42");

            JsonNode activity = only("jsorc-activity", "{\"match\": {\"test\": \"activity\"}}");
            assertThat(activity.path("action").asText()).isEqualTo("user_create");
            assertThat(activity.path("request").path("headers").has("Authorization")).isFalse();
            assertThat(activity.path("request").path("headers").path("Content-Type").asText())
                    .isEqualTo("application/json");
            assertThat(activity.path("request").path("body").path("password").asText()).isEqualTo("****");
            assertThat(server.count("jsorc-activity", "{\"query_string\": {\"query\": \"hunter2\"}}")).isZero();
            assertThat(only("jsorc-common", "{\"match\": {\"test\": \"common\"}}").path("n").asInt()).isEqualTo(1);
            assertThat(server.count("core", "{\"bool\": {\"must\": [{\"match\": {\"service\": \"probe\"}}, "
                    + "{\"match\": {\"to\": \"RUNNING\"}}]}}")).isEqualTo(1);
        }
    }

    private static JsonNode only(String index, String query) throws Exception {
        assertThat(server.count(index, query)).as("documents in %s matching %s", index, query).isEqualTo(1);
        JsonNode hits = Json.mapper().readTree(server.call("POST", "/" + index + "/_search", "{\"query\": " + query
                + "}").body()).path("hits").path("hits");
        return hits.path(0).path("_source");
    }

    private static String phase(String phase) {
        return "{\"bool\": {\"must\": [{\"match\": {\"test\": \"outage\"}}, {\"match\": {\"phase\": \"" + phase
                + "\"}}]}}";
    }

    /** Logs through whatever instance the orchestrator has now; returns the slowest call in nanoseconds. */
    private static long log(Orchestrator orchestrator, String phase, int records) {
        long slowest = 0;
        for (int i = 0; i < records; i++) {
            long t0 = System.nanoTime();
            orchestrator.svc("elastic", ElasticService.class).log("INFO", "test.outage", phase + " " + i,
                    Map.of("test", "outage", "phase", phase, "seq", i));
            slowest = Math.max(slowest, System.nanoTime() - t0);
        }
        return slowest;
    }

}
