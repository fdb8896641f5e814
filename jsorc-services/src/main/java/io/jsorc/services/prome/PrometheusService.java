package io.jsorc.services.prome;

import io.jsorc.CommonService;
import io.jsorc.Service;
import io.jsorc.base.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code prome} service: queries over the Prometheus HTTP API ({@code java.net.http} + Jackson), and cluster
 * views for system tracking (pods, per-pod CPU/memory/network, per-node disk) from kube-state-metrics and cAdvisor
 * series. Missing series give empty results, not exceptions; API errors carry Prometheus' own error type and message.
 *
 * <p>Config ({@code PROME_CONFIG}): {@code url} (default {@code http://localhost:9090}), {@code timeout_ms} (2000).
 * {@code healthy()} asks {@code /-/ready}.
 */
@Service(name = "prome")
public class PrometheusService extends CommonService<HttpClient> implements io.jsorc.metrics.ClusterMetrics {

    private volatile String url;
    private volatile Duration timeout;

    /** Built by the orchestrator. */
    public PrometheusService() {
    }

    @Override
    protected HttpClient run() throws IOException, InterruptedException {
        Object configured = config().getOrDefault("url", "http://localhost:9090");
        String base = String.valueOf(configured);
        url = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        timeout = Duration.ofMillis(((Number) config().getOrDefault("timeout_ms", 2000)).longValue());
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).timeout(timeout)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() != 200) {
            throw new IllegalStateException("Prometheus at " + url + " is not ready: HTTP " + ready.statusCode());
        }
        return client;
    }

    @Override
    public boolean healthy() {
        HttpClient client = app();
        if (!isRunning() || client == null) {
            return false;
        }
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@return the Prometheus base URL} */
    public String url() {
        return url;
    }

    /**
     * Runs an instant query at the server's current time.
     *
     * @param promql an instant query
     * @return its result at the server's current time
     */
    public PromResult query(String promql) {
        return query(promql, null);
    }

    /**
     * Runs an instant query at a given time.
     *
     * @param promql an instant query
     * @param time   the evaluation time, or {@code null} for now
     * @return its result
     * @throws PrometheusQueryException with Prometheus' error type when the query is rejected
     */
    public PromResult query(String promql, Instant time) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("query", promql);
        if (time != null) {
            params.put("time", seconds(time));
        }
        return call("/api/v1/query", params);
    }

    /**
     * Runs a range query.
     *
     * @param promql a range query
     * @param start  the range start
     * @param end    the range end
     * @param step   the resolution
     * @return its matrix result
     */
    public PromResult queryRange(String promql, Instant start, Instant end, Duration step) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("query", promql);
        params.put("start", seconds(start));
        params.put("end", seconds(end));
        params.put("step", String.format(Locale.ROOT, "%.3f", step.toMillis() / 1000.0));
        return call("/api/v1/query_range", params);
    }

    // ------------------------------------------------------------------ cluster views for system tracking

    /**
     * Lists the pods of a namespace.
     *
     * @param namespace  a namespace
     * @param excludeProm leave out Prometheus' own pods
     * @return the names of the pods in it (from {@code kube_pod_info})
     */
    public List<String> pods(String namespace, boolean excludeProm) {
        List<String> pods = new ArrayList<>();
        for (PromResult.Sample sample : query("kube_pod_info{namespace=\"" + escape(namespace) + "\"}").vector()) {
            String pod = sample.metric().get("pod");
            if (pod != null && !(excludeProm && pod.startsWith("jsorc-prometheus"))) {
                pods.add(pod);
            }
        }
        return pods;
    }

    /**
     * Per pod over {@code durationSeconds} before {@code timestamp}: {@code cpu_utilization_cores},
     * {@code mem_utilization_bytes}, {@code network_recv_bytes}, {@code network_tran_bytes}.
     *
     * @param namespace       a namespace
     * @param excludeProm     leave out Prometheus' own pods
     * @param timestamp       the end of the window
     * @param durationSeconds the window
     * @return pod -> metric -> value (a pod without a series has no entry for it)
     */
    @Override
    public Map<String, Map<String, Double>> podInfo(String namespace, boolean excludeProm, Instant timestamp,
                                                    long durationSeconds) {
        String ns = escape(namespace);
        String window = durationSeconds + "s";
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("cpu_utilization_cores", "sum by (pod) (rate(container_cpu_usage_seconds_total{namespace=\"" + ns
                + "\", container!=\"\"}[" + window + "]))");
        queries.put("mem_utilization_bytes", "sum by (pod) (avg_over_time(container_memory_working_set_bytes{"
                + "namespace=\"" + ns + "\", container!=\"\"}[" + window + "]))");
        queries.put("network_recv_bytes", "sum by (pod) (increase(container_network_receive_bytes_total{namespace=\""
                + ns + "\"}[" + window + "]))");
        queries.put("network_tran_bytes", "sum by (pod) (increase(container_network_transmit_bytes_total{namespace=\""
                + ns + "\"}[" + window + "]))");
        return byLabel(queries, "pod", timestamp, excludeProm);
    }

    /**
     * Per node over {@code durationSeconds} before {@code timestamp}: {@code disk_read_bytes},
     * {@code disk_write_bytes}, plus {@code cpu_utilization} (fraction), {@code mem_available_bytes},
     * {@code network_recv_bytes}, {@code network_tran_bytes} (node-exporter series).
     *
     * @param timestamp       the end of the window
     * @param durationSeconds the window
     * @return node instance -> metric -> value
     */
    public Map<String, Map<String, Double>> nodeInfo(Instant timestamp, long durationSeconds) {
        String window = durationSeconds + "s";
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("disk_read_bytes", "sum by (instance) (increase(node_disk_read_bytes_total[" + window + "]))");
        queries.put("disk_write_bytes", "sum by (instance) (increase(node_disk_written_bytes_total[" + window + "]))");
        queries.put("cpu_utilization", "1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[" + window
                + "]))");
        queries.put("mem_available_bytes", "avg by (instance) (avg_over_time(node_memory_MemAvailable_bytes["
                + window + "]))");
        queries.put("network_recv_bytes", "sum by (instance) (increase(node_network_receive_bytes_total[" + window
                + "]))");
        queries.put("network_tran_bytes", "sum by (instance) (increase(node_network_transmit_bytes_total[" + window
                + "]))");
        return byLabel(queries, "instance", timestamp, false);
    }

    private Map<String, Map<String, Double>> byLabel(Map<String, String> queries, String label, Instant timestamp,
                                                     boolean excludeProm) {
        Map<String, Map<String, Double>> out = new TreeMap<>();
        queries.forEach((metric, promql) -> {
            for (PromResult.Sample sample : query(promql, timestamp).vector()) {
                String key = sample.metric().get(label);
                if (key == null || (excludeProm && key.startsWith("jsorc-prometheus"))) {
                    continue;
                }
                out.computeIfAbsent(key, k -> new TreeMap<>()).put(metric, sample.value());
            }
        });
        return out;
    }

    // ------------------------------------------------------------------ HTTP

    @SuppressWarnings("unchecked")
    private PromResult call(String path, Map<String, String> params) {
        HttpClient client = poke("Prometheus service is not running: " + (error() == null ? state()
                : error().getMessage()));
        StringBuilder form = new StringBuilder();
        params.forEach((k, v) -> form.append(form.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(timeout)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new PrometheusQueryException("unreachable", "Prometheus at " + url + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PrometheusQueryException("interrupted", e.toString());
        }
        Map<String, Object> body;
        try {
            body = Json.parseObject(response.body(), "Prometheus answer");
        } catch (IllegalArgumentException e) {
            throw new PrometheusQueryException("http", "HTTP " + response.statusCode() + " with no JSON body");
        }
        if (!"success".equals(body.get("status"))) {
            throw new PrometheusQueryException(String.valueOf(body.getOrDefault("errorType", "http")),
                    String.valueOf(body.getOrDefault("error", "HTTP " + response.statusCode())));
        }
        Map<String, Object> data = (Map<String, Object>) body.get("data");
        String type = String.valueOf(data.get("resultType"));
        Object result = data.get("result");
        List<PromResult.Sample> vector = new ArrayList<>();
        List<PromResult.Series> matrix = new ArrayList<>();
        double scalar = Double.NaN;
        switch (type) {
            case "vector" -> {
                for (Object item : (List<Object>) result) {
                    Map<String, Object> entry = (Map<String, Object>) item;
                    List<Object> value = (List<Object>) entry.get("value");
                    vector.add(new PromResult.Sample(labels(entry.get("metric")), number(value.get(0)),
                            number(value.get(1))));
                }
            }
            case "matrix" -> {
                for (Object item : (List<Object>) result) {
                    Map<String, Object> entry = (Map<String, Object>) item;
                    List<double[]> values = new ArrayList<>();
                    for (Object point : (List<Object>) entry.get("values")) {
                        List<Object> pair = (List<Object>) point;
                        values.add(new double[]{number(pair.get(0)), number(pair.get(1))});
                    }
                    matrix.add(new PromResult.Series(labels(entry.get("metric")), values));
                }
            }
            case "scalar" -> scalar = number(((List<Object>) result).get(1));
            default -> {
                // string results carry no number
            }
        }
        return new PromResult(type, vector, matrix, scalar);
    }

    private static Map<String, String> labels(Object metric) {
        Map<String, String> out = new TreeMap<>();
        if (metric instanceof Map<?, ?> map) {
            map.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        }
        return out;
    }

    /** A sample value as Prometheus writes it: a string, {@code "+Inf"} / {@code "-Inf"} / {@code "NaN"} included. */
    static double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        String text = String.valueOf(value);
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    private static String seconds(Instant time) {
        return String.format(Locale.ROOT, "%.3f", time.toEpochMilli() / 1000.0);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
