package io.jsorc.services.elastic;

import io.jsorc.ComponentContext;
import io.jsorc.ServiceListener;
import io.jsorc.ServiceState;
import io.jsorc.metrics.MetricsEvents;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The log shipping of one orchestrator: the bounded queue that the {@code elastic} service's bulk sender drains, and
 * what feeds it — JsOrc's own events (state transitions, regeneration results, action placement changes) into the
 * core log index, and host records ({@link ElasticLogbackAppender}, {@link ElasticJulHandler}, {@link #app}) into the
 * app log index.
 *
 * <p>It outlives the service instance: while Elasticsearch is down and the service is being regenerated, records
 * keep queueing (the oldest dropped and counted when the queue is full: {@code queue_capacity} records or
 * {@code queue_max_bytes} estimated bytes, see {@link LogQueue#estimate}) and are sent once a new instance runs.
 * It is created the first time the {@code elastic} service runs; before that (or with the service disabled) host
 * appenders find no {@code ElasticLogs} and count their records as unrouted instead of buffering for nobody.
 */
public final class ElasticLogs {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-?]*[ -/]*[@-~]");

    private final ComponentContext orchestrator;
    private final LogQueue queue;
    private volatile String coreIndex = "core";
    private volatile String appIndex = "app";
    private volatile String commonIndex = "jsorc-common";
    private volatile String activityIndex = "jsorc-activity";

    private ElasticLogs(ComponentContext orchestrator, int capacity, long maxBytes, int batchSize) {
        this.orchestrator = orchestrator;
        MetricsEvents events = MetricsEvents.of(orchestrator);
        this.queue = new LogQueue(capacity, maxBytes, batchSize,
                dropped -> events.dropped(new MetricsEvents.LogsDropped(dropped.index(), 1)));
        orchestrator.addListener(transitions());
        events.onRegeneration(this::regenerated);
        events.onPlacement(this::placed);
    }

    /**
     * Returns an orchestrator's log shipping without creating it.
     *
     * @param orchestrator an orchestrator
     * @return its log shipping, when its {@code elastic} service has run at least once
     */
    public static Optional<ElasticLogs> ifActive(ComponentContext orchestrator) {
        return orchestrator.sharedIfPresent(ElasticLogs.class, ElasticLogs.class);
    }

    /**
     * Where a host appender's records go: the shipping of {@code explicit}, or else of the global orchestrator
     * (never building one), when its {@code elastic} service has run.
     *
     * @return the shipping, or {@code null} when there is none yet (the appender counts the record as unrouted)
     */
    static ElasticLogs forAppender(ComponentContext explicit) {
        ComponentContext target = explicit != null ? explicit : io.jsorc.JsOrc.current().orElse(null);
        return target == null ? null : ifActive(target).orElse(null);
    }

    /** Creates (once) or re-sizes the shipping of {@code orchestrator}; the service calls this when it runs. */
    static ElasticLogs activate(ComponentContext orchestrator, ElasticService.Settings settings) {
        ElasticLogs logs = orchestrator.shared(ElasticLogs.class, () -> new ElasticLogs(orchestrator,
                settings.queueCapacity(), settings.queueMaxBytes(), settings.batchSize()));
        logs.queue.resize(settings.queueCapacity(), settings.queueMaxBytes(), settings.batchSize());
        logs.coreIndex = settings.coreIndex();
        logs.appIndex = settings.appIndex();
        logs.commonIndex = settings.commonIndex();
        logs.activityIndex = settings.activityIndex();
        return logs;
    }

    String commonIndex() {
        return commonIndex;
    }

    String activityIndex() {
        return activityIndex;
    }

    LogQueue queue() {
        return queue;
    }

    /**
     * Queues a host log record for the app log index. Never blocks: a full queue drops its oldest record.
     *
     * @param timestamp when it happened ({@code null}: now)
     * @param level     its level ({@code INFO}, ...)
     * @param logger    the logger's name
     * @param message   the formatted message; ANSI colour codes are stripped
     * @param extra     more fields (thread, exception, MDC, ...), or {@code null}; copied, so the caller may reuse it
     */
    public void app(Instant timestamp, String level, String logger, String message, Map<String, ?> extra) {
        queue.offer(new ElasticDocument.Log(appIndex, timestamp == null ? Instant.now() : timestamp, level, logger,
                message, snapshot(extra)));
    }

    /** Like {@link #app}, for a map the caller made for this record alone and never touches again (no copy). */
    void appOwned(Instant timestamp, String level, String logger, String message, Map<String, ?> extra) {
        queue.offer(new ElasticDocument.Log(appIndex, timestamp, level, logger, message, extra));
    }

    /** The document is built later on the shipper's thread: a caller may reuse or change its map meanwhile. */
    private static Map<String, ?> snapshot(Map<String, ?> extra) {
        return extra == null || extra.isEmpty() ? null : new LinkedHashMap<>(extra);
    }

    /** Queues one of JsOrc's own events for the core log index. */
    void core(String level, String logger, String message, Map<String, ?> extra) {
        queue.offer(new ElasticDocument.Log(coreIndex, Instant.now(), level, logger, message, extra));
    }

    /** Queues a ready document for {@code index}. */
    void document(String index, Map<String, Object> source) {
        queue.offer(new ElasticDocument.Source(index, source));
    }

    /**
     * Waits until every record queued before this call was sent, refused by the server or dropped.
     *
     * @param timeout how long to wait at most
     * @return whether everything settled in time
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        return queue.flush(Objects.requireNonNull(timeout, "timeout"));
    }

    /** {@return records waiting to be sent} */
    public int pending() {
        return queue.size();
    }

    /** {@return the estimated bytes of the records waiting to be sent (bounded by {@code queue_max_bytes})} */
    public long pendingBytes() {
        return queue.bytes();
    }

    /** {@return records dropped, oldest first, because the queue was full (in records or in bytes)} */
    public long dropped() {
        return queue.dropped();
    }

    /** {@return the orchestrator whose records these are} */
    public ComponentContext context() {
        return orchestrator;
    }

    /**
     * Removes ANSI escape sequences from a log message.
     *
     * @param text a log message
     * @return it without ANSI escape sequences (colours, cursor moves)
     */
    static String stripAnsi(String text) {
        if (text == null || text.indexOf('\u001B') < 0) {
            return text;
        }
        return ANSI.matcher(text).replaceAll("");
    }

    private ServiceListener transitions() {
        return (service, from, to, error) -> {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("event", "state");
            extra.put("service", service);
            extra.put("from", from.name());
            extra.put("to", to.name());
            if (error != null) {
                extra.put("error", io.jsorc.base.Secrets.maskText(error.toString())); // a URL's password, say
            }
            core(to == ServiceState.FAILED ? "WARN" : "INFO", "io.jsorc.lifecycle",
                    "service " + service + ": " + from + " -> " + to, extra);
        };
    }

    private void regenerated(MetricsEvents.Regenerated entry) {
        if (entry.action().equals("NONE") || entry.action().equals("DEFERRED")) {
            return; // a healthy service, or one still waiting out its backoff: not an event
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("event", "regeneration");
        extra.put("service", entry.service());
        extra.put("action", entry.action());
        extra.put("state", entry.state().name());
        extra.put("duration_ms", entry.duration().toMillis());
        extra.put("detail", entry.detail());
        core(entry.state() == ServiceState.RUNNING ? "INFO" : "WARN", "io.jsorc.regen",
                "regeneration of " + entry.service() + ": " + entry.action() + " -> " + entry.state(), extra);
    }

    private void placed(MetricsEvents.PlacementChange change) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("event", "placement");
        extra.put("module", change.module());
        extra.put("from", change.from());
        extra.put("to", change.to());
        core("INFO", "io.jsorc.action", "action module " + change.module() + ": " + change.from() + " -> "
                + change.to(), extra);
    }
}
