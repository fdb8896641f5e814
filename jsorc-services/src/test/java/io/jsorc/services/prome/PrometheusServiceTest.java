package io.jsorc.services.prome;

import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import io.jsorc.ServiceState;
import io.jsorc.services.metrics.MetricsService;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** JsOrc's own metrics scraped by a real Prometheus, read back through the prome service. */
class PrometheusServiceTest {

    @Test
    void aStateChangeShowsInPrometheusAfterAScrape() throws Exception {
        try (Orchestrator metricsSide = Orchestrator.builder()
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("METRICS_CONFIG", "{\"enabled\": true, \"host\": \"127.0.0.1\", \"port\": 0}")
                .build()) {
            MetricsService metrics = metricsSide.svc("metrics", MetricsService.class);
            assertThat(metrics.isRunning()).as(String.valueOf(metrics.error())).isTrue();
            CommonService<?> probe = metricsSide.svc("probe");
            assertThat(probe.isRunning()).isTrue();
            String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + metrics.port() + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(scrape).contains("jsorc_service_state{service=\"probe\"} 2.0");

            try (PrometheusProcess prometheus = new PrometheusProcess("127.0.0.1:" + metrics.port());
                 Orchestrator reader = Orchestrator.builder()
                         .config("REDIS_CONFIG", "{\"enabled\": false}")
                         .config("PROME_CONFIG", "{\"enabled\": true, \"url\": \"" + prometheus.url()
                                 + "\", \"timeout_ms\": 2000}")
                         .build()) {
                PrometheusService prome = reader.svc("prome", PrometheusService.class);
                assertThat(prome.isRunning()).as(String.valueOf(prome.error())).isTrue();
                assertThat(prome.healthy()).isTrue();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                        value(prome, "jsorc_service_state{service=\"probe\"}") == ServiceState.RUNNING.ordinal());

                probe.markFailed(new IllegalStateException("lost its server"));
                long t0 = System.nanoTime();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                        value(prome, "jsorc_service_state{service=\"probe\"}") == ServiceState.FAILED.ordinal());
                System.out.printf("Prometheus saw FAILED %d ms after the transition%n",
                        (System.nanoTime() - t0) / 1_000_000);
                assertThat(prome.query("jsorc_service_transitions_total{service=\"probe\",to=\"FAILED\"}").vector())
                        .singleElement().satisfies(s -> assertThat(s.value()).isGreaterThanOrEqualTo(1));

                PromResult range = prome.queryRange("jsorc_service_state{service=\"probe\"}",
                        Instant.now().minusSeconds(20), Instant.now(), Duration.ofSeconds(1));
                assertThat(range.type()).isEqualTo("matrix");
                assertThat(range.matrix()).singleElement().satisfies(s -> assertThat(s.values()).isNotEmpty());
                assertThat(prome.query("1+1").scalar()).isEqualTo(2.0);
                // Prometheus writes infinities as "+Inf" / "-Inf", which Double.parseDouble refuses.
                assertThat(prome.query("1/0").scalar()).isEqualTo(Double.POSITIVE_INFINITY);
                assertThat(prome.query("vector(-1/0)").vector()).singleElement()
                        .satisfies(s -> assertThat(s.value()).isEqualTo(Double.NEGATIVE_INFINITY));
                assertThat(prome.query("no_such_metric_anywhere").isEmpty()).isTrue();
                assertThat(prome.pods("default", true)).isEmpty(); // no kube-state-metrics: empty, not an error
                assertThat(prome.podInfo("default", true, Instant.now(), 60)).isEmpty();
                assertThat(prome.nodeInfo(Instant.now(), 60)).isEmpty();
                assertThatThrownBy(() -> prome.query("sum(("))
                        .isInstanceOf(PrometheusQueryException.class)
                        .satisfies(e -> assertThat(((PrometheusQueryException) e).errorType()).isEqualTo("bad_data"));
            }
        }
    }

    private static double value(PrometheusService prome, String promql) {
        var vector = prome.query(promql).vector();
        return vector.isEmpty() ? Double.NaN : vector.get(0).value();
    }

    @Test
    void aPrometheusThatIsNotThereFailsTheService() {
        try (Orchestrator o = Orchestrator.builder()
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("PROME_CONFIG", "{\"enabled\": true, \"url\": \"http://127.0.0.1:1\", \"timeout_ms\": 500}")
                .build()) {
            CommonService<?> prome = o.svc("prome");
            assertThat(prome.hasFailed()).isTrue();
            assertThat(prome.healthy()).isFalse();
        }
    }
}
