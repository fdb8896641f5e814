package io.jsorc.services.metrics;

import com.sun.net.httpserver.HttpServer;
import io.jsorc.CommonService;
import io.jsorc.Service;
import io.jsorc.base.DaemonThreads;
import io.jsorc.metrics.JsOrcMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The opt-in Prometheus scrape endpoint ({@code METRICS_CONFIG}: {@code enabled} false, {@code host} 127.0.0.1 —
 * loopback unless configured otherwise — and {@code port} 9464): JsOrc's own metrics ({@link JsOrcMetrics}) in a
 * Micrometer Prometheus registry, served at {@code /metrics}. Hosts with a registry of their own bind
 * {@code new JsOrcMetrics(orchestrator).bindTo(theirRegistry)} instead.
 */
@Service(name = "metrics")
public class MetricsService extends CommonService<PrometheusMeterRegistry> {

    private volatile HttpServer server;
    /** Unbound when this instance stops: a rebuilt service must not leave its listeners behind. */
    private volatile JsOrcMetrics binder;

    /** Built by the orchestrator. */
    public MetricsService() {
    }

    @Override
    protected PrometheusMeterRegistry run() throws IOException {
        String host = String.valueOf(config().getOrDefault("host", "127.0.0.1"));
        int port = ((Number) config().getOrDefault("port", 9464)).intValue();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JsOrcMetrics metrics = new JsOrcMetrics(context());
        metrics.bindTo(registry);
        binder = metrics;
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 16);
        http.createContext("/metrics", exchange -> {
            try (exchange) {
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        http.setExecutor(null); // the server's own dispatcher thread is enough for a scrape endpoint
        // Its dispatcher thread ("HTTP-Dispatcher", a name the JDK fixes) inherits the starting thread's daemon flag:
        // started from a daemon, it never keeps the host's JVM alive.
        Thread starter = DaemonThreads.start("jsorc-metrics-start", http::start);
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            http.stop(0);
            throw new IOException("Interrupted while starting the metrics endpoint", e);
        }
        server = http;
        return registry;
    }

    /** {@return the port the endpoint listens on (useful with port 0)} */
    public int port() {
        HttpServer http = server;
        if (http == null) {
            throw new IllegalStateException("The metrics endpoint is not running");
        }
        return http.getAddress().getPort();
    }

    @Override
    protected void failed(Throwable cause) {
        stop();
    }

    @Override
    protected void onDelete() {
        stop();
    }

    private void stop() {
        JsOrcMetrics metrics = binder;
        binder = null;
        if (metrics != null) {
            metrics.close();
        }
        HttpServer http = server;
        server = null;
        if (http != null) {
            http.stop(0);
        }
        PrometheusMeterRegistry registry = app();
        if (registry != null) {
            registry.close();
        }
    }
}
