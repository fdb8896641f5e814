package io.jsorc.services.elastic;

import io.jsorc.CommonService;
import io.jsorc.Service;
import io.jsorc.base.Secrets;
import io.jsorc.services.elastic.ElasticClient.Distribution;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code elastic} service: ships logs and activity documents to Elasticsearch or OpenSearch in {@code _bulk}
 * batches, and sets up retention for the log data streams.
 *
 * <p>Config ({@code ELASTIC_CONFIG}): {@code url} (default {@code http://localhost:9200}, or derived from an ECK
 * resource), {@code auth} (the {@code Authorization} header value), {@code common_index}, {@code activity_index},
 * {@code core_log_index} ({@code core}), {@code app_log_index} ({@code app}), {@code batch_size} (500),
 * {@code flush_ms} (1000), {@code queue_capacity} (10000), {@code queue_max_bytes} (67108864: 64 MiB, estimated per
 * record by {@link LogQueue#estimate}), {@code timeout_ms} (5000). Disabled by default
 * ({@code ELASTIC_ENABLED}); automated, so the regeneration loop brings it back after an outage.
 *
 * <ul>
 *   <li>{@link #run()} reaches the cluster ({@code GET /_cluster/health}) and tells Elasticsearch from OpenSearch
 *       ({@code GET /}). With an ECK {@code Elasticsearch} resource in {@code ELASTIC_MANIFEST} the URL, the
 *       {@code elastic} user's password and the CA come from the cluster ({@link EckConnection}).</li>
 *   <li>{@link #postRun()} creates, each only if missing, the lifecycle policy and the index template
 *       ({@link LogLifecycle}), then starts the {@code shipper} daemon ({@link BulkSender}).</li>
 *   <li>Records go through a bounded queue shared by every instance of the service ({@link ElasticLogs}): callers
 *       never block; a full queue ({@code queue_capacity} records or {@code queue_max_bytes} estimated bytes) drops its
 *       oldest records, and a record larger than {@code queue_max_bytes} is dropped itself; every drop is counted
 *       ({@link #dropped()}, metric {@code jsorc.logs.dropped}).</li>
 *   <li>{@link #healthy()} is the cluster's health (not {@code red}) and no failing shipping: while bulk requests
 *       fail the service reports unhealthy and is regenerated; queued records wait for the new instance.</li>
 * </ul>
 *
 * <p>{@link #log}, {@link #document} and {@link #activity} never block, also on an instance that failed: the queue
 * belongs to the orchestrator. Looking the service up again with {@code svc("elastic")} waits while a rebuild is in
 * progress, as for any service; code that must never wait keeps the instance it has, or uses
 * {@link ElasticLogs#ifActive}.
 */
@Service(name = "elastic", manifest = "ELASTIC_MANIFEST")
public class ElasticService extends CommonService<ElasticClient> {

    /** Request headers that never reach an activity document. */
    private static final List<String> DROPPED_HEADERS = List.of("authorization", "proxy-authorization", "cookie",
            "set-cookie");

    private volatile Settings settings;
    private volatile ElasticLogs logs;
    private volatile Distribution distribution;
    private volatile Map<String, String> lifecycle = Map.of();
    private volatile BulkSender sender;
    /** The URL this instance resolved (configured, ECK's, or the default), for {@link #probe()}. */
    private volatile String target;
    /** The last failure was "not reached" (the only kind a TCP probe can tell is over). */
    private volatile boolean unreachable;

    /** Built by the orchestrator. */
    public ElasticService() {
    }

    /** The config, read and checked once per run. */
    record Settings(String url, String auth, String commonIndex, String activityIndex, String coreIndex,
            String appIndex, int batchSize, long flushMillis, int queueCapacity, long queueMaxBytes,
            Duration timeout) {

        /** The default {@code queue_max_bytes}: 64 MiB. */
        static final int DEFAULT_QUEUE_MAX_BYTES = 64 << 20;

        /** Settings with the default byte bound (64 MiB). */
        Settings(String url, String auth, String commonIndex, String activityIndex, String coreIndex,
                String appIndex, int batchSize, long flushMillis, int queueCapacity, Duration timeout) {
            this(url, auth, commonIndex, activityIndex, coreIndex, appIndex, batchSize, flushMillis, queueCapacity,
                    DEFAULT_QUEUE_MAX_BYTES, timeout);
        }
    }

    @Override
    protected ElasticClient run() {
        Settings read = settings(config());
        // Before the cluster is asked: records logged while it is down at startup queue for when it is up.
        logs = ElasticLogs.activate(context(), read);
        String url = read.url();
        String auth = read.auth();
        javax.net.ssl.SSLContext ssl = null;
        Optional<Map<String, Object>> resource = EckConnection.resource(manifest());
        if (resource.isPresent()) {
            EckConnection connection = EckConnection.resolve(resource.get(), context(), url, auth);
            url = connection.url();
            auth = connection.auth();
            ssl = connection.ssl();
        } else if (url.isBlank()) {
            url = "http://localhost:9200";
        }
        target = url;
        ElasticClient client = new ElasticClient(url, auth, ssl, read.timeout());
        String health = client.clusterHealth();
        if ("red".equals(health)) {
            throw new ElasticException(200, "cluster_red", "The cluster at " + client.url() + " is red", null);
        }
        distribution = client.distribution();
        settings = read;
        return client;
    }

    @Override
    protected void postRun() {
        ElasticClient client = app();
        Settings current = settings;
        Map<String, String> outcomes = new LinkedHashMap<>();
        LogLifecycle.ensure(client, distribution, List.of(current.coreIndex(), current.appIndex()))
                .forEach((what, outcome) -> outcomes.put(what, outcome.name().toLowerCase(Locale.ROOT)));
        lifecycle = Map.copyOf(outcomes);
        if (outcomes.containsValue("unavailable")) {
            log.warn("{} ({}): lifecycle policy {}, template {} — 'unavailable' is an OpenSearch without the "
                    + "index-management (ISM) plugin, or credentials without the privilege (403): the log data "
                    + "streams get no retention policy or template from JsOrc", client.url(), distribution,
                    outcomes.get("policy"), outcomes.get("template"));
        }
        log.info("Shipping logs to {} ({}): lifecycle policy {}, template {}", client.url(), distribution,
                outcomes.get("policy"), outcomes.get("template"));
        BulkSender shipper = new BulkSender(client, logs.queue(), current.batchSize(), current.flushMillis(),
                this::markFailed);
        sender = shipper;
        spawnDaemon("shipper", shipper);
    }

    /** Unhealthy while shipping fails or its daemon is gone, or when the cluster cannot be asked or is red. */
    @Override
    public boolean healthy() {
        ElasticClient client = app();
        BulkSender shipping = sender;
        if (!isRunning() || client == null || shipping == null || shipping.consecutiveFailures() > 1
                || !daemons().contains("shipper")) {
            return false;
        }
        try {
            return !"red".equals(client.clusterHealth());
        } catch (ElasticException e) {
            return false;
        }
    }

    @Override
    protected void failed(Throwable cause) {
        unreachable = unreachable(cause);
    }

    private static boolean unreachable(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ElasticException e && e.status() == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * A TCP connect to the server (250 ms), so recovery follows the server's return — only after the server could
     * not be reached: a refusal (401, a red cluster, a template conflict) is not cured by the port answering, so it is
     * left to the backoff.
     */
    @Override
    public boolean probe() {
        String url = target;
        if (!unreachable || url == null) {
            return false;
        }
        try {
            URI uri = URI.create(url);
            int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), port), 250);
                return true;
            }
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** On a clean shutdown, gives queued records a short chance to leave (not when shipping is failing). */
    @Override
    protected void onDelete() {
        BulkSender shipping = sender;
        ElasticLogs shipped = logs;
        if (shipping != null && shipped != null && shipping.consecutiveFailures() == 0
                && daemons().contains("shipper") && shipped.queue().hasPending()) {
            try {
                shipped.flush(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ what hosts call

    /**
     * Queues a host log record for the app log index; never blocks.
     *
     * @param level   its level
     * @param logger  the logger name
     * @param message the message (ANSI colour codes are stripped)
     * @param extra   more fields, or {@code null}
     */
    public void log(String level, String logger, String message, Map<String, ?> extra) {
        requireShipping().app(Instant.now(), level, logger, message, extra);
    }

    /**
     * Queues a document for the common index ({@code common_index}); never blocks. A missing {@code @timestamp}
     * is set to now.
     *
     * @param source the document
     */
    public void document(Map<String, ?> source) {
        Objects.requireNonNull(source, "source");
        Map<String, Object> copy = new LinkedHashMap<>();
        copy.put("@timestamp", Instant.now().toString());
        copy.putAll(source);
        ElasticLogs shipping = requireShipping();
        shipping.document(shipping.commonIndex(), copy);
    }

    /**
     * Queues an activity document ({@code activity_index}) built from a request's metadata; never blocks. The
     * {@code Authorization}, {@code Proxy-Authorization}, {@code Cookie} and {@code Set-Cookie} headers are removed,
     * and every field that looks secret ({@link Secrets#isSecret}: {@code password}, {@code token},
     * {@code authorization}, {@code credentials} ... in its name, at any depth) is masked, in the request and in
     * {@code fields}; a request field holding a JSON object or array, or a form-encoded body, as text is parsed
     * first, so its secrets are masked too, and URLs keep no user-info or query string ({@code ?token=}).
     *
     * @param request the request's metadata: {@code method}, {@code path}, {@code headers}, {@code body},
     *                {@code user}, ... (any fields; {@code null} for none)
     * @param fields  more fields for the document (what the activity did), or {@code null}
     * @param action  what the activity was ({@code walker_run}, say)
     */
    public void activity(Map<String, ?> request, Map<String, ?> fields, String action) {
        ElasticLogs shipping = requireShipping();
        shipping.document(shipping.activityIndex(), activityDocument(request, fields, action, Instant.now()));
    }

    static Map<String, Object> activityDocument(Map<String, ?> request, Map<String, ?> fields, String action,
            Instant now) {
        Map<String, Object> document = new LinkedHashMap<>();
        if (fields != null) {
            document.putAll(Secrets.mask(fields));
        }
        document.put("@timestamp", now.toString());
        document.put("action", action);
        if (request != null) {
            Map<String, Object> meta = new LinkedHashMap<>(request);
            meta.replaceAll((field, value) -> value instanceof String text ? structuredOr(text) : value);
            if (meta.get("headers") instanceof Map<?, ?> headers) {
                Map<String, Object> kept = new LinkedHashMap<>();
                headers.forEach((name, value) -> {
                    if (!DROPPED_HEADERS.contains(String.valueOf(name).toLowerCase(Locale.ROOT))) {
                        kept.put(String.valueOf(name), value);
                    }
                });
                meta.put("headers", kept);
            }
            document.put("request", Secrets.mask(meta));
        }
        return document;
    }

    /**
     * A body sent as text is masked like one sent as a map: JSON objects and arrays are parsed, and so is a
     * form-encoded body ({@code user=a&password=b}); any other text keeps only the parts of URLs that are not secret.
     */
    private static Object structuredOr(String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                Object parsed = io.jsorc.base.Json.mapper().readValue(trimmed, Object.class);
                return parsed instanceof Map<?, ?> || parsed instanceof java.util.List<?> ? parsed : text;
            } catch (java.io.IOException e) {
                return Secrets.maskText(text);
            }
        }
        if (FORM.matcher(trimmed).matches()) {
            Map<String, Object> form = new LinkedHashMap<>();
            for (String pair : trimmed.split("&")) {
                int eq = pair.indexOf('=');
                form.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
            return form;
        }
        return Secrets.maskText(text);
    }

    /** {@code a=b&c=d}: names and values without spaces, one or more pairs. */
    private static final java.util.regex.Pattern FORM = java.util.regex.Pattern.compile(
            "[^=&\\s/?]+=[^&\\s]*(&[^=&\\s/?]+=[^&\\s]*)*");

    private static String decode(String part) {
        try {
            return java.net.URLDecoder.decode(part, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return part;
        }
    }

    /**
     * Waits until every record queued before this call was sent, refused or dropped.
     *
     * @param timeout how long to wait at most
     * @return whether that happened in time
     * @throws InterruptedException when interrupted
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        return requireShipping().flush(timeout);
    }

    /** {@return the log shipping (shared by every instance of this service in the orchestrator)} */
    public ElasticLogs logs() {
        return requireShipping();
    }

    /** {@return which server answered, once running} */
    public Distribution distribution() {
        return distribution;
    }

    /**
     * {@return what {@link #postRun()} found or did: {@code policy} and {@code template} each {@code created},
     * {@code exists} or {@code unavailable}}
     */
    public Map<String, String> lifecycle() {
        return lifecycle;
    }

    /** {@return records dropped because the queue was full (over every instance)} */
    public long dropped() {
        return statistic(LogQueue::dropped);
    }

    /** {@return documents the server took (over every instance)} */
    public long shipped() {
        return statistic(LogQueue::sent);
    }

    /** {@return documents the server refused for good (a mapping conflict, say)} */
    public long rejected() {
        return statistic(LogQueue::rejected);
    }

    /** {@return {@code _bulk} requests made (over every instance)} */
    public long bulkRequests() {
        return statistic(LogQueue::requests);
    }

    private long statistic(java.util.function.ToLongFunction<LogQueue> read) {
        ElasticLogs current = logs != null ? logs : ElasticLogs.ifActive(context()).orElse(null);
        return current == null ? 0 : read.applyAsLong(current.queue());
    }

    private ElasticLogs requireShipping() {
        ElasticLogs current = logs;
        if (current != null) {
            return current;
        }
        // This instance has not run (Elasticsearch is down, say): records still queue for the next one, as long as
        // the service ran once in this orchestrator and so has a queue and its index names.
        Optional<ElasticLogs> shared = ElasticLogs.ifActive(context());
        if (shared.isPresent()) {
            return shared.get();
        }
        poke(); // throws "... is disabled or not yet configured!"
        throw new IllegalStateException("The elastic service has not run yet");
    }

    private static Settings settings(Map<String, Object> config) {
        return new Settings(
                text(config, "url"), text(config, "auth"),
                required(config, "common_index"), required(config, "activity_index"),
                required(config, "core_log_index"), required(config, "app_log_index"),
                positive(config, "batch_size", 500), positive(config, "flush_ms", 1000),
                positive(config, "queue_capacity", 10_000),
                positive(config, "queue_max_bytes", Settings.DEFAULT_QUEUE_MAX_BYTES),
                Duration.ofMillis(positive(config, "timeout_ms", 5000)));
    }

    private static String text(Map<String, Object> config, String field) {
        Object value = config.get(field);
        return value == null ? "" : String.valueOf(value).trim();
    }

    private static String required(Map<String, Object> config, String field) {
        String value = text(config, field);
        if (value.isEmpty() || !value.equals(value.toLowerCase(Locale.ROOT)) || value.startsWith("_")
                || value.startsWith("-") || value.chars().anyMatch(c -> " \"*\\<|,>/?#:".indexOf(c) >= 0)) {
            throw new IllegalArgumentException("ELASTIC_CONFIG." + field + " must be a valid index name (lowercase, "
                    + "not starting with _ or -, none of  \"*\\<|,>/?#: or spaces), got '" + value + "'");
        }
        return value;
    }

    private static int positive(Map<String, Object> config, String field, int fallback) {
        Object value = config.getOrDefault(field, fallback);
        if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
                || number.longValue() < 1 || number.longValue() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ELASTIC_CONFIG." + field + " must be a whole number of at least 1, "
                    + "got " + value);
        }
        return number.intValue();
    }
}
