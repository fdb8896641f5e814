package io.jsorc.admin;

import io.jsorc.admin.fixtures.Calc;
import io.jsorc.base.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /js_admin/events} on a real orchestrator: a snapshot of its services, then placement changes, the
 * actions view, service transitions and the once-a-second benchmark snapshot as they happen; and a reconnect with
 * {@code Last-Event-ID} resumes without a snapshot.
 */
class DashboardEventsTest {

    private static AdminHost host;

    @BeforeAll
    static void start() {
        host = AdminHost.start();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    /** One event as the JDK client reads it. */
    record Event(String id, String type, String data) {
        Map<String, Object> json() {
            return Json.parseObject(data, type);
        }
    }

    /** Reads a stream on a daemon thread into a queue (bounded; the test reads as it goes). */
    static final class Reader implements AutoCloseable {
        final BlockingQueue<Event> events = new ArrayBlockingQueue<>(10_000);
        final HttpResponse<java.io.InputStream> response;
        /** Counted down when the stream ends (the server finished or aborted it, or the test closed it). */
        final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        private final Thread thread;

        Reader(String url, String lastEventId) throws Exception {
            this(url, lastEventId, "Authorization", "Bearer " + AdminHost.TOKEN);
        }

        /** Opens a stream with one credential header ({@code Authorization}, or {@code Cookie}). */
        Reader(String url, String lastEventId, String header, String value) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/js_admin/events"))
                    .header(header, value).GET();
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            thread = new Thread(this::read, "test-sse-reader");
            thread.setDaemon(true);
            thread.start();
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                String id = null;
                String type = null;
                List<String> data = new ArrayList<>();
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("event: ")) {
                        type = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data.add(line.substring(6));
                    } else if (line.isEmpty() && !data.isEmpty()) {
                        events.offer(new Event(id, type, String.join("\n", data)));
                        id = null;
                        type = null;
                        data = new ArrayList<>();
                    }
                }
            } catch (java.io.IOException closed) {
                // the test closed the stream, or the server aborted it
            } finally {
                ended.countDown();
            }
        }

        Event await(String type, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            Event event;
            while ((event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
                if (type.equals(event.type())) {
                    return event;
                }
            }
            throw new AssertionError("No '" + type + "' event within " + timeout);
        }

        @Override
        public void close() throws Exception {
            response.body().close();
            thread.interrupt();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theStreamStartsWithASnapshotAndCarriesLiveEvents() throws Exception {
        String lastId;
        try (Reader reader = new Reader(host.admin.url(), null)) {
            assertThat(reader.response.statusCode()).isEqualTo(200);
            assertThat(reader.response.headers().firstValue("Content-Type")).get().asString()
                    .startsWith("text/event-stream");
            Event snapshot = reader.await("snapshot", Duration.ofSeconds(10));
            List<Map<String, Object>> services = (List<Map<String, Object>>) snapshot.json().get("services");
            assertThat(services).extracting(row -> row.get("name")).contains("redis", "admin");
            assertThat(services.stream().filter(row -> row.get("name").equals("admin")).findFirst().orElseThrow())
                    .containsEntry("state", "RUNNING").containsKey("since").containsEntry("config_key",
                            "ADMIN_CONFIG");

            assertThat(host.client.post("jsorc_actions_config", Map.of("name", "calc",
                    "config", Map.of("module", Calc.class.getName()))).status()).isEqualTo(200);
            assertThat(host.client.post("jsorc_actions_load", Map.of("name", "calc", "mode", "module")).status())
                    .isEqualTo(200);
            Event placement = reader.await("placement", Duration.ofSeconds(10));
            assertThat(placement.json()).containsEntry("module", "calc").containsEntry("to", "LOCAL");
            assertThat(placement.id()).isNotNull();
            lastId = placement.id();
            Event actions = reader.await("actions", Duration.ofSeconds(10));
            assertThat((Map<String, Object>) ((Map<String, Object>) actions.json().get("modules")).get("calc"))
                    .containsEntry("placement", "local");

            Event benchmark = reader.await("benchmark", Duration.ofSeconds(10));
            assertThat(benchmark.id()).isNull();
            assertThat(benchmark.json()).containsKeys("ts", "requests", "actions");
            // The admin calls above are requests of the host: a later second shows them.
            host.client.post("config_index", Map.of());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean seen = false;
            while (!seen && System.nanoTime() < deadline) {
                Map<String, Object> second = reader.await("benchmark", Duration.ofSeconds(5)).json();
                seen = ((Map<String, Object>) second.get("requests")).containsKey("config_index");
            }
            assertThat(seen).as("a benchmark second with the config_index request").isTrue();

            host.client.post("service_refresh", Map.of("name", "redis"));
            host.client.post("jsorc_actions_unload", Map.of("name", "calc"));
            Event unplaced = reader.await("placement", Duration.ofSeconds(10));
            assertThat(unplaced.json()).containsEntry("module", "calc").containsEntry("from", "LOCAL");
        }
        // A browser that comes back with the id it saw gets the events after it, no snapshot.
        try (Reader again = new Reader(host.admin.url(), lastId)) {
            Event first = again.events.poll(10, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(first.type()).isNotEqualTo("snapshot");
            assertThat(first.id()).isNotEqualTo(lastId);
            Event placement = again.await("placement", Duration.ofSeconds(10));
            assertThat(placement.json()).containsEntry("from", "LOCAL");
        }
    }

    @Test
    void aSignOutEndsTheSessionsStreamsAndTheCookieOpensNoNewOne() throws Exception {
        DashboardSessionTest.Session session = DashboardSessionTest.signIn(host.admin.url(), AdminHost.TOKEN);
        try (Reader signedIn = new Reader(host.admin.url(), null, "Cookie", session.cookie());
             Reader token = new Reader(host.admin.url(), null)) {
            assertThat(signedIn.response.statusCode()).isEqualTo(200);
            signedIn.await("snapshot", Duration.ofSeconds(10));
            token.await("snapshot", Duration.ofSeconds(10));

            HttpResponse<String> out = DashboardSessionTest.send(HttpRequest.newBuilder(URI.create(host.admin.url()
                    + "/js_admin/session")).header("Cookie", session.cookie())
                    .header(io.jsorc.admin.dashboard.SessionAuth.CSRF_HEADER, session.csrf())
                    .header("Origin", host.admin.url()).DELETE());
            assertThat(out.statusCode()).as(out.body()).isEqualTo(200);

            // The stream a signed-out session opened ends (it went on for hours before); the token's goes on.
            assertThat(signedIn.ended.await(10, TimeUnit.SECONDS)).as("the session's stream ended").isTrue();
            token.await("benchmark", Duration.ofSeconds(10));
            assertThat(token.ended.getCount()).isEqualTo(1);
        }
        HttpResponse<String> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(host.admin.url() + "/js_admin/events")).header("Cookie", session.cookie()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(401);
    }

    @Test
    void theStreamNeedsCredentials() throws Exception {
        HttpResponse<String> none = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(host.admin.url() + "/js_admin/events")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
    }
}
