package io.jsorc.services.elastic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsorc.config.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The {@code elastic} service's shipping daemon: drains the queue into {@code _bulk} requests of up to
 * {@code batch_size} documents, at the latest {@code flush_ms} after a record arrived.
 *
 * <p>A batch the server could not take (not reached, an error status, or 429/5xx item by item) is retried with
 * exponential backoff and jitter (100 ms doubling to 5 s) and never dropped here; meanwhile the queue keeps
 * accepting (dropping its oldest when full). Items the server refuses for good (a mapping conflict, say) are counted
 * as rejected and logged, not retried forever. When the daemon is stopped (the service failed or is being
 * regenerated) the batch in hand goes back to the head of the queue for the next instance: delivery is at least once.
 */
final class BulkSender implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(BulkSender.class);
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Only what the sender reads back from a bulk response. */
    private static final String BULK_PATH = "/_bulk?filter_path=errors,items.*.status,items.*.error.type,"
            + "items.*.error.reason";

    private final ElasticClient client;
    private final LogQueue queue;
    private final int batchSize;
    private final long flushNanos;
    private final ObjectMapper mapper = Json.mapper();
    private long rejectedLogged;
    private volatile int consecutiveFailures;
    private volatile ElasticException lastFailure;

    BulkSender(ElasticClient client, LogQueue queue, int batchSize, long flushMillis) {
        this.client = client;
        this.queue = queue;
        this.batchSize = batchSize;
        this.flushNanos = TimeUnit.MILLISECONDS.toNanos(flushMillis);
    }

    @Override
    public void run() {
        List<ElasticDocument> batch = new ArrayList<>(batchSize);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                if (batch.isEmpty()) {
                    queue.awaitBatch(flushNanos);
                    if (queue.drain(batch, batchSize) == 0) {
                        continue;
                    }
                }
                ElasticException failure;
                try {
                    List<ElasticDocument> again = send(batch);
                    if (again.isEmpty()) {
                        batch = new ArrayList<>(batchSize);
                        consecutiveFailures = 0;
                        lastFailure = null;
                        continue;
                    }
                    batch = again;
                    failure = new ElasticException(429, "bulk_items_retry", again.size()
                            + " bulk items asked to be retried (429/5xx per item)", null);
                } catch (ElasticException e) {
                    // Not reached, 429/5xx, but also 401/403: all are retried; the service reports itself unhealthy
                    // meanwhile, so the regeneration loop rebuilds it (and a rebuild names a wrong password).
                    failure = e;
                }
                int failures = ++consecutiveFailures;
                lastFailure = failure;
                if (failures == 1) {
                    log.warn("Shipping {} log records failed, retrying with backoff: {}", batch.size(),
                            failure.getMessage());
                }
                TimeUnit.NANOSECONDS.sleep(backoff(failures));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!batch.isEmpty()) {
                queue.returnFront(batch);
            }
        }
    }

    /**
     * Sends one batch.
     *
     * @return the documents to send again (items the server asked to retry), empty when all are settled
     * @throws ElasticException when the request as a whole failed
     */
    private List<ElasticDocument> send(List<ElasticDocument> batch) {
        StringBuilder body = new StringBuilder(batch.size() * 256);
        for (ElasticDocument document : batch) {
            // "create": the only op a data stream takes, and a new auto-id document in a plain index too.
            body.append("{\"create\":{\"_index\":").append(quote(document.index())).append("}}\n");
            body.append(json(document)).append('\n');
        }
        ElasticClient.Response response;
        try {
            response = client.request("POST", BULK_PATH, body.toString());
        } catch (ElasticException e) {
            queue.failedRequest();
            throw e;
        }
        if (!response.ok()) {
            queue.failedRequest();
            throw ElasticClient.error("POST", "/_bulk", response);
        }
        JsonNode root = response.json();
        if (!root.path("errors").asBoolean(false)) {
            queue.settle(batch.size(), 0);
            return List.of();
        }
        List<ElasticDocument> retry = new ArrayList<>();
        JsonNode items = root.path("items");
        int refused = 0;
        for (int i = 0; i < batch.size(); i++) {
            JsonNode result = items.path(i).elements().hasNext() ? items.path(i).elements().next() : null;
            int status = result == null ? 0 : result.path("status").asInt(0);
            if (status / 100 == 2) {
                continue;
            }
            if (status == 0 || status == 429 || status >= 500) {
                retry.add(batch.get(i));
            } else {
                refused++;
                rejectedLogged++;
                if (rejectedLogged <= 10 || Long.bitCount(rejectedLogged) == 1) {
                    log.warn("Elasticsearch refused a log record for {} (HTTP {} {}): {}", batch.get(i).index(),
                            status, result.path("error").path("type").asText(),
                            result.path("error").path("reason").asText());
                }
            }
        }
        queue.settle(batch.size() - retry.size() - refused, refused);
        return retry;
    }

    private String json(ElasticDocument document) {
        try {
            return mapper.writeValueAsString(document.body());
        } catch (JsonProcessingException e) {
            // A field Jackson cannot write: ship the record with that field as text rather than lose it.
            java.util.Map<String, Object> safe = new java.util.LinkedHashMap<>();
            document.body().forEach((k, v) -> safe.put(k, v == null || v instanceof Number || v instanceof Boolean
                    ? v : String.valueOf(v)));
            return Json.write(safe);
        }
    }

    private static String quote(String text) {
        return Json.write(text);
    }

    private static long backoff(int failures) {
        double base = FIRST_BACKOFF_NANOS * Math.pow(2, Math.min(failures - 1, 20));
        double jittered = base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble());
        return (long) Math.min(MAX_BACKOFF_NANOS, jittered);
    }

    /** @return bulk failures in a row (0 after a success) */
    int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** @return the last failure while failing, else {@code null} */
    ElasticException lastFailure() {
        return lastFailure;
    }
}
