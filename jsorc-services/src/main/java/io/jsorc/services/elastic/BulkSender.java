package io.jsorc.services.elastic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsorc.base.Backoff;
import io.jsorc.base.Json;
import io.jsorc.services.elastic.LogQueue.Queued;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@code elastic} service's shipping daemon: drains the queue into {@code _bulk} requests of up to
 * {@code batch_size} documents, at the latest {@code flush_ms} after a record arrived.
 *
 * <p>A batch the server could not take (not reached, 401/403/429/5xx, or 429/5xx item by item) is retried with
 * exponential backoff and jitter (100 ms doubling to 5 s) and never dropped here; meanwhile the queue keeps
 * accepting (dropping its oldest when full). A request the server rejects as such (400, 413 too large) is split in
 * halves until the one document at fault is found and refused. Items the server refuses for good (a mapping
 * conflict, say) are counted as rejected and logged, not retried forever. When the daemon is stopped (the service
 * failed or is being regenerated) the batch in hand goes back to the head of the queue for the next instance:
 * delivery is at least once.
 */
final class BulkSender implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(BulkSender.class);
    /** Only what the sender reads back from a bulk response (and the error of a failed one). */
    private static final String BULK_PATH = "/_bulk?filter_path=errors,items.*.status,items.*.error.type,"
            + "items.*.error.reason,error,status";

    private final ElasticClient client;
    private final LogQueue queue;
    private final int batchSize;
    private final long flushNanos;
    private final Consumer<Throwable> onDeath;
    private final ObjectMapper mapper = Json.mapper();
    /** Consecutive failed bulk requests: the retry waits 100 ms doubling to 5 s, jittered +-20%; reset by a success. */
    private final Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5));
    private long refusedLogged;
    private volatile ElasticException lastFailure;

    /**
     * Builds a sender; it ships once run on the service's {@code shipper} daemon.
     *
     * @param client      the client requests go through
     * @param queue       the queue it drains
     * @param batchSize   the most documents per {@code _bulk} request
     * @param flushMillis how long a record may wait for a batch to fill
     * @param onDeath     told when the daemon ends on an unexpected error (the service marks itself failed), so a dead
     *                    shipper never hides behind a running service
     */
    BulkSender(ElasticClient client, LogQueue queue, int batchSize, long flushMillis, Consumer<Throwable> onDeath) {
        this.client = client;
        this.queue = queue;
        this.batchSize = batchSize;
        this.flushNanos = TimeUnit.MILLISECONDS.toNanos(flushMillis);
        this.onDeath = onDeath;
    }

    @Override
    public void run() {
        List<Queued> batch = new ArrayList<>(batchSize);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                if (batch.isEmpty()) {
                    queue.awaitBatch(flushNanos);
                    if (Thread.currentThread().isInterrupted()) {
                        break; // stopped while waiting: take nothing out of the queue now
                    }
                    if (queue.drain(batch, batchSize) == 0) {
                        continue;
                    }
                }
                ElasticException failure;
                try {
                    List<Queued> again = send(batch);
                    queue.held(again);
                    if (again.isEmpty()) {
                        batch = new ArrayList<>(batchSize);
                        backoff.reset();
                        lastFailure = null;
                        continue;
                    }
                    batch = again;
                    failure = new ElasticException(429, "bulk_items_retry", again.size()
                            + " bulk items asked to be retried (429/5xx per item)", null);
                } catch (ElasticException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        break; // the request was cut short by the stop, not by the server
                    }
                    if ((e.status() == 400 || e.status() == 413) && batch.size() > 1) {
                        // The request as such is refused (too large, or one document breaks it): halve it.
                        List<Queued> second = new ArrayList<>(batch.subList(batch.size() / 2, batch.size()));
                        batch = new ArrayList<>(batch.subList(0, batch.size() / 2));
                        queue.returnFront(second, batch);
                        continue;
                    }
                    if (e.status() == 400 || e.status() == 413) {
                        refuse(batch.get(0), e.status(), e.errorType(), e.getMessage());
                        queue.settle(0, 1);
                        batch = new ArrayList<>(batchSize);
                        queue.held(batch);
                        continue;
                    }
                    // Not reached, 401/403 (the service turns unhealthy and is rebuilt, and a rebuild names a
                    // wrong password), 429 or 5xx: retried.
                    failure = e;
                }
                lastFailure = failure;
                long delay = backoff.failed(System.nanoTime());
                if (backoff.failures() == 1) {
                    log.warn("Shipping {} log records failed, retrying with backoff: {}", batch.size(),
                            failure.getMessage());
                }
                TimeUnit.NANOSECONDS.sleep(delay);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            onDeath.accept(e);
            throw e;
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
    private List<Queued> send(List<Queued> batch) {
        StringBuilder body = new StringBuilder(batch.size() * 256);
        List<Queued> included = new ArrayList<>(batch.size());
        int unwritable = 0;
        for (Queued queued : batch) {
            String json = json(queued.document());
            if (json == null) {
                unwritable++;
                continue;
            }
            // "create": the only op a data stream takes. The id is fixed per record, so a retry after a request that
            // timed out once the server had stored it answers 409 instead of storing the record twice.
            body.append("{\"create\":{\"_index\":").append(Json.write(queued.document().index()))
                    .append(",\"_id\":").append(Json.write(queue.documentId(queued))).append("}}\n");
            body.append(json).append('\n');
            included.add(queued);
        }
        queue.refuse(unwritable);
        if (included.isEmpty()) {
            return List.of();
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
            queue.settle(included.size(), 0);
            return List.of();
        }
        List<Queued> retry = new ArrayList<>();
        JsonNode items = root.path("items");
        int refused = 0;
        for (int i = 0; i < included.size(); i++) {
            JsonNode item = items.path(i);
            JsonNode result = item.elements().hasNext() ? item.elements().next() : null;
            int status = result == null ? 0 : result.path("status").asInt(0);
            if (status / 100 == 2 || status == 409) {
                continue; // 409: stored by an earlier attempt of this very record (its id is fixed)
            }
            if (status == 0 || status == 429 || status >= 500) {
                retry.add(included.get(i));
            } else {
                refused++;
                refuse(included.get(i), status, result.path("error").path("type").asText(),
                        result.path("error").path("reason").asText());
            }
        }
        queue.settle(included.size() - retry.size() - refused, refused);
        return retry;
    }

    private void refuse(Queued queued, int status, String type, String reason) {
        refusedLogged++;
        if (refusedLogged <= 10 || Long.bitCount(refusedLogged) == 1) { // the first ten, then ever more sparsely
            log.warn("Elasticsearch refused a log record for {} (HTTP {} {}): {} [{} refused so far]",
                    queued.document().index(), status, type, reason, refusedLogged);
        }
    }

    /** {@return the document as JSON, or {@code null} when it cannot be written at all (counted as refused)} */
    private String json(ElasticDocument document) {
        Map<String, Object> body;
        try {
            body = document.body();
        } catch (RuntimeException e) {
            log.warn("A log record for {} could not be built and is dropped: {}", document.index(), e.toString());
            return null;
        }
        try {
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException | RuntimeException e) {
            // A field Jackson cannot write: ship the record with its values as text rather than lose it.
            Map<String, Object> safe = new LinkedHashMap<>();
            body.forEach((k, v) -> safe.put(k, v == null || v instanceof Number || v instanceof Boolean
                    ? v : String.valueOf(v)));
            return Json.write(safe);
        }
    }

    /** {@return bulk failures in a row (0 after a success)} */
    int consecutiveFailures() {
        return backoff.failures();
    }

    /** {@return the last failure while failing, else {@code null}} */
    ElasticException lastFailure() {
        return lastFailure;
    }
}
