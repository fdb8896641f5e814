package io.jsorc.admin.dashboard;

import io.jsorc.base.Json;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures the page's responsiveness in a real headless Chromium with 200 services and 10 events/s (service
 * transitions) plus the once-a-second benchmark snapshot, served by the dashboard's own endpoints on a real Jetty
 * server. Prints what it measured; asserts only generous bounds (the machine is shared).
 */
class DashboardLoadBrowserTest {

    private static final int SERVICES = 200;
    private static final String TOKEN = "load-test-token";

    @Test
    @SuppressWarnings("unchecked")
    void thePageStaysResponsiveWith200ServicesAnd10EventsPerSecond() throws Exception {
        EventHub hub = new EventHub("load", 4096, 4);
        SessionAuth auth = new SessionAuth(new SessionStore(Duration.ofMinutes(10), 4, Clock.systemUTC()));
        long start = System.currentTimeMillis();
        EventsEndpoint events = new EventsEndpoint(hub, auth, ("Bearer " + TOKEN)::equals, seq -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < SERVICES; i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", String.format("svc-%03d", i));
                row.put("state", "RUNNING");
                row.put("enabled", true);
                row.put("automated", true);
                row.put("since", start);
                row.put("config_key", String.format("SVC_%03d_CONFIG", i));
                row.put("health", Map.of("healthy", true, "check_ms", 0.4));
                rows.add(row);
            }
            return SseFrame.event(hub.idOf(seq), "snapshot", Json.write(Map.of("services", rows,
                    "timelines", Map.of(), "benchmark", List.of(), "placements", List.of(),
                    "actions", Map.of("available", false))));
        });
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Sequence(new SessionEndpoints(auth, ("Bearer " + TOKEN)::equals,
                Clock.systemUTC(), hub::revalidate), events, new StaticFiles()));
        server.start();
        Thread publisher = null;
        try (Browser browser = Browser.start()) {
            String url = "http://127.0.0.1:" + connector.getLocalPort();
            browser.driver.get(url + "/");
            browser.waiting(Duration.ofSeconds(20)).until(d -> d.findElement(By.id("token")).isDisplayed());
            browser.driver.findElement(By.id("token")).sendKeys(TOKEN, Keys.ENTER);
            browser.waiting(Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("tr[data-service]"))
                    .size() == SERVICES);
            JavascriptExecutor js = (JavascriptExecutor) browser.driver;
            js.executeScript("window.longTasks = []; new PerformanceObserver(list => list.getEntries().forEach("
                    + "e => window.longTasks.push(e.duration))).observe({type: 'longtask', buffered: false});"
                    + "Object.assign(window.jsorcStats, {events: 0, handleMsMax: 0, renders: 0, renderMsMax: 0, "
                    + "renderMsTotal: 0});");
            publisher = new Thread(() -> {
                int n = 0;
                while (!Thread.currentThread().isInterrupted()) {
                    String name = String.format("svc-%03d", n % SERVICES);
                    boolean fail = (n / SERVICES) % 2 == 0;
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("ts", System.currentTimeMillis());
                    data.put("name", name);
                    data.put("from", fail ? "RUNNING" : "FAILED");
                    data.put("to", fail ? "FAILED" : "RUNNING");
                    data.put("error", fail ? "java.io.IOException: connection refused" : null);
                    hub.publish("service", data, true);
                    if (n % 10 == 0) {
                        Map<String, Object> requests = new LinkedHashMap<>();
                        for (int t = 0; t < 5; t++) {
                            requests.put("type" + t, Map.of("count", 100, "throughput", 100, "p50", 0.4 + t,
                                    "p90", 0.9 + t, "p99", 2.0 + t));
                        }
                        hub.publish("benchmark", Map.of("ts", System.currentTimeMillis(), "requests", requests,
                                "actions", Map.of()), false);
                    }
                    n++;
                    try {
                        Thread.sleep(100); // 10 events/s
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "test-publisher");
            publisher.setDaemon(true);
            publisher.start();

            // While events stream: switch tabs by keyboard and time how long each view takes to show.
            List<Double> switches = new ArrayList<>();
            String[] order = {"regeneration", "actions", "benchmark", "services"};
            for (int round = 0; round < 3; round++) {
                for (String tab : order) {
                    Object ms = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                            + "const t0 = performance.now(); document.getElementById('tab-" + tab + "').click();"
                            + "requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));");
                    switches.add(((Number) ms).doubleValue());
                    Thread.sleep(1000);
                }
            }
            Thread.sleep(4000);
            Map<String, Object> stats = (Map<String, Object>) js.executeScript("return window.jsorcStats;");
            List<Object> longTasks = (List<Object>) js.executeScript("return window.longTasks;");
            double maxSwitch = switches.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            double meanRender = ((Number) stats.get("renderMsTotal")).doubleValue()
                    / Math.max(1, ((Number) stats.get("renders")).longValue());
            System.out.printf("responsiveness (%d services, 10 events/s, 20 s): events %s, renders %s, "
                            + "render mean %.2f ms, max %.2f ms; handler max %.2f ms; tab switch to paint: max "
                            + "%.1f ms, all %s; long tasks (>50 ms): %d %s%n", SERVICES, stats.get("events"),
                    stats.get("renders"), meanRender, ((Number) stats.get("renderMsMax")).doubleValue(),
                    ((Number) stats.get("handleMsMax")).doubleValue(), maxSwitch,
                    switches.stream().map(d -> Math.round(d)).toList(), longTasks.size(), longTasks);
            browser.screenshot("11-load-200-services");
            assertThat(((Number) stats.get("events")).longValue()).as("events handled").isGreaterThan(100);
            assertThat(browser.driver.findElements(By.cssSelector("tr[data-service][data-state=FAILED]")))
                    .isNotEmpty();
            // Generous bounds: a frozen page would take seconds.
            assertThat(maxSwitch).isLessThan(2000);
            assertThat(((Number) stats.get("renderMsMax")).doubleValue()).isLessThan(2000);
        } finally {
            if (publisher != null) {
                publisher.interrupt();
                publisher.join(5000);
            }
            hub.endAll();
            server.stop();
        }
    }
}
