package io.jsorc.services.elastic;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the sender reacts to answers no healthy in-JVM server gives on demand — a request too large (413), one
 * document that breaks a request (400), items asking to be retried (429) — from a stand-in {@code _bulk} endpoint.
 */
class BulkSenderTest {

    private HttpServer server;
    private Thread shipper;

    @AfterEach
    void stop() throws InterruptedException {
        if (shipper != null) {
            shipper.interrupt();
            shipper.join(5_000);
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private LogQueue start(java.util.function.Function<List<String>, String[]> bulk) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/_bulk", exchange -> {
            List<String> lines = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                    .lines().filter(l -> !l.isBlank()).toList();
            String[] answer = bulk.apply(lines.stream().filter(l -> !l.startsWith("{\"create\"")).toList());
            byte[] bytes = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        ElasticClient client = new ElasticClient("http://127.0.0.1:" + server.getAddress().getPort(), null, null,
                Duration.ofSeconds(5));
        LogQueue queue = new LogQueue(1_000, 8, d -> { });
        shipper = new Thread(new BulkSender(client, queue, 8, 20, e -> { }), "test-shipper");
        shipper.start();
        return queue;
    }

    private static void offer(LogQueue queue, String message) {
        queue.offer(new ElasticDocument.Log("app", Instant.now(), "INFO", "t", message, null));
    }

    @Test
    void aTooLargeRequestIsHalvedAndAPoisonDocumentRefusedAlone() throws Exception {
        List<String> accepted = new CopyOnWriteArrayList<>();
        AtomicInteger requests = new AtomicInteger();
        LogQueue queue = start(documents -> {
            requests.incrementAndGet();
            if (documents.size() > 2) {
                return new String[]{"413", "{\"error\":{\"type\":\"content_too_long\",\"reason\":\"too long\"},"
                        + "\"status\":413}"};
            }
            if (documents.stream().anyMatch(d -> d.contains("poison"))) {
                return new String[]{"400", "{\"error\":{\"type\":\"parse_exception\",\"reason\":\"bad\"},"
                        + "\"status\":400}"};
            }
            accepted.addAll(documents);
            return new String[]{"200", "{\"errors\":false}"};
        });
        for (int i = 0; i < 8; i++) {
            offer(queue, i == 5 ? "poison" : "ok " + i);
        }
        assertThat(queue.flush(Duration.ofSeconds(20))).isTrue();
        assertThat(accepted).hasSize(7).noneMatch(d -> d.contains("poison"));
        assertThat(queue.sent()).isEqualTo(7);
        assertThat(queue.rejected()).isEqualTo(1);
        System.out.printf("8 documents, one poison, at most 2 per request: %d requests%n", requests.get());
    }

    @Test
    void itemsAskingForARetryAreSentAgainAndOnlyThey() throws Exception {
        List<String> accepted = new CopyOnWriteArrayList<>();
        AtomicInteger round = new AtomicInteger();
        LogQueue queue = start(documents -> {
            if (round.incrementAndGet() == 1) {
                // First request: item 0 is taken, item 1 is throttled, item 2 is refused for good.
                accepted.add(documents.get(0));
                return new String[]{"200", "{\"errors\":true,\"items\":[{\"create\":{\"status\":201}},"
                        + "{\"create\":{\"status\":429,\"error\":{\"type\":\"es_rejected_execution_exception\"}}},"
                        + "{\"create\":{\"status\":400,\"error\":{\"type\":\"mapper_parsing_exception\","
                        + "\"reason\":\"conflict\"}}}]}"};
            }
            accepted.addAll(documents);
            return new String[]{"200", "{\"errors\":false}"};
        });
        offer(queue, "a");
        offer(queue, "b");
        offer(queue, "c");
        assertThat(queue.flush(Duration.ofSeconds(20))).isTrue();
        assertThat(accepted).hasSize(2);
        assertThat(accepted.get(0)).contains("\"a\"");
        assertThat(accepted.get(1)).contains("\"b\"");
        assertThat(queue.sent()).isEqualTo(2);
        assertThat(queue.rejected()).isEqualTo(1);
    }

    @Test
    void aRetryAfterATimedOutRequestThatWasStoredIsNotStoredTwice() throws Exception {
        // The server stores by the action line's _id, as Elasticsearch does; its first answer never arrives in time.
        java.util.Map<String, String> stored = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger round = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/_bulk", exchange -> {
            List<String> lines = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                    .lines().filter(l -> !l.isBlank()).toList();
            StringBuilder items = new StringBuilder();
            for (int i = 0; i < lines.size(); i += 2) {
                String id = lines.get(i).replaceAll(".*\"_id\":\"([^\"]+)\".*", "$1");
                boolean created = stored.putIfAbsent(id, lines.get(i + 1)) == null;
                items.append(items.length() == 0 ? "" : ",").append("{\"create\":{\"status\":")
                        .append(created ? 201 : 409).append("}}");
            }
            if (round.incrementAndGet() == 1) {
                try {
                    Thread.sleep(1_500); // past the client's timeout: it retries what the server already stored
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] bytes = ("{\"errors\":true,\"items\":[" + items + "]}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        ElasticClient client = new ElasticClient("http://127.0.0.1:" + server.getAddress().getPort(), null, null,
                Duration.ofMillis(500));
        LogQueue queue = new LogQueue(1_000, 8, d -> { });
        shipper = new Thread(new BulkSender(client, queue, 8, 20, e -> { }), "test-shipper");
        shipper.start();
        offer(queue, "a");
        offer(queue, "b");
        assertThat(queue.flush(Duration.ofSeconds(20))).isTrue();
        assertThat(round.get()).as("requests").isGreaterThanOrEqualTo(2);
        assertThat(stored).hasSize(2);
        assertThat(queue.sent()).isEqualTo(2);
        assertThat(queue.rejected()).isZero();
    }

    @Test
    void aRecordThatCannotBeBuiltIsRefusedAndTheShipperLivesOn() throws Exception {
        List<String> accepted = new CopyOnWriteArrayList<>();
        LogQueue queue = start(documents -> {
            accepted.addAll(documents);
            return new String[]{"200", "{\"errors\":false}"};
        });
        // No timestamp: building its document fails on the shipper's thread (ElasticLogs.app never queues one).
        queue.offer(new ElasticDocument.Log("app", null, "INFO", "t", "broken", null));
        offer(queue, "after");
        assertThat(queue.flush(Duration.ofSeconds(20))).isTrue();
        assertThat(shipper.isAlive()).isTrue();
        assertThat(accepted).singleElement().satisfies(d -> assertThat(d).contains("after"));
        assertThat(queue.rejected()).isEqualTo(1);
    }
}
