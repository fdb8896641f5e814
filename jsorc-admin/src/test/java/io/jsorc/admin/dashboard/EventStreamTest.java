package io.jsorc.admin.dashboard;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The event stream over a real Jetty server and real sockets: SSE framing, a snapshot for a new browser, replay after
 * {@code Last-Event-ID}, a fresh snapshot for another epoch or a gap, a slow client dropped without slowing others.
 */
class EventStreamTest {

    private static final String TOKEN = "Bearer stream-test-token";

    private Server server;
    private EventHub hub;
    private final AtomicInteger snapshots = new AtomicInteger();
    private int port;

    @BeforeEach
    void start() throws Exception {
        startWith(new EventHub("e1", 8, 4));
    }

    private void startWith(EventHub events) throws Exception {
        startWith(events, "");
    }

    /** Serves a hub whose snapshots carry {@code padding} too. */
    private void startWith(EventHub events, String padding) throws Exception {
        hub = events;
        SessionAuth auth = new SessionAuth(new SessionStore(Duration.ofMinutes(5), 4, Clock.systemUTC()));
        EventsEndpoint endpoint = new EventsEndpoint(hub, auth, TOKEN::equals, seq -> {
            snapshots.incrementAndGet();
            return SseFrame.event(hub.idOf(seq), "snapshot", "{\"seq\":" + seq + ", \"pad\": \"" + padding + "\"}");
        });
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(endpoint);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        hub.endAll();
        server.stop();
    }

    @Test
    void framesFollowTheEventStreamFormat() {
        assertThat(new String(SseFrame.event("e1-3", "service", "{\"a\":1}"), StandardCharsets.UTF_8))
                .isEqualTo("id: e1-3\nevent: service\ndata: {\"a\":1}\n\n");
        assertThat(new String(SseFrame.event(null, null, "one\ntwo\r\nthree"), StandardCharsets.UTF_8))
                .isEqualTo("data: one\ndata: two\ndata: three\n\n");
        assertThat(new String(SseFrame.comment("heartbeat"), StandardCharsets.UTF_8)).isEqualTo(": heartbeat\n\n");
        assertThat(new String(SseFrame.retry(2000), StandardCharsets.UTF_8)).isEqualTo("retry: 2000\n\n");
        assertThatThrownBy(() -> SseFrame.event("a\nb", "x", "{}")).hasMessageContaining("line break");
        assertThatThrownBy(() -> SseFrame.event("a", "x\ny", "{}")).hasMessageContaining("line break");
    }

    @Test
    void aNewStreamGetsASnapshotThenLiveEvents() throws Exception {
        hub.publish("service", Map.of("n", 1), true);
        try (Stream stream = Stream.open(port, TOKEN, null)) {
            Event snapshot = stream.next();
            assertThat(snapshot.type()).isEqualTo("snapshot");
            assertThat(snapshot.id()).isEqualTo("e1-1");
            waitForClients(1);
            hub.publish("service", Map.of("n", 2), true);
            hub.publish("benchmark", Map.of("tick", 1), false);
            Event live = stream.next();
            assertThat(live.id()).isEqualTo("e1-2");
            assertThat(live.type()).isEqualTo("service");
            assertThat(live.data()).isEqualTo("{\"n\":2}");
            Event transientEvent = stream.next();
            assertThat(transientEvent.id()).as("transient events carry no id").isNull();
            assertThat(transientEvent.type()).isEqualTo("benchmark");
        }
    }

    @Test
    void aReconnectWithLastEventIdReplaysWhatWasMissedWithoutASnapshot() throws Exception {
        for (int i = 1; i <= 5; i++) {
            hub.publish("regeneration", Map.of("n", i), true);
        }
        try (Stream stream = Stream.open(port, TOKEN, "e1-3")) {
            assertThat(stream.next().id()).isEqualTo("e1-4");
            assertThat(stream.next().id()).isEqualTo("e1-5");
            waitForClients(1);
            hub.publish("regeneration", Map.of("n", 6), true);
            assertThat(stream.next().id()).isEqualTo("e1-6");
        }
        assertThat(snapshots.get()).isZero();
    }

    @Test
    void anotherEpochOrAGapBeyondTheRingGetsAFreshSnapshot() throws Exception {
        for (int i = 1; i <= 20; i++) {
            hub.publish("regeneration", Map.of("n", i), true); // the ring keeps 13..20
        }
        try (Stream restarted = Stream.open(port, TOKEN, "older0epoch-19")) {
            Event first = restarted.next();
            assertThat(first.type()).isEqualTo("snapshot");
            assertThat(first.id()).isEqualTo("e1-20");
        }
        try (Stream behind = Stream.open(port, TOKEN, "e1-5")) {
            assertThat(behind.next().type()).isEqualTo("snapshot");
        }
        try (Stream justInside = Stream.open(port, TOKEN, "e1-12")) {
            assertThat(justInside.next().id()).isEqualTo("e1-13");
        }
        assertThat(snapshots.get()).isEqualTo(2);
    }

    @Test
    void aStreamNeedsCredentials() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET /js_admin/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream())).readLine();
            assertThat(status).contains("401");
        }
    }

    @Test
    void aSlowClientIsDroppedAndTheOthersKeepTheirEvents() throws Exception {
        stop();
        startWith(new EventHub("e2", 8, 4));
        try (Socket slow = new Socket("127.0.0.1", port); Stream fast = Stream.open(port, TOKEN, null)) {
            slow.setReceiveBufferSize(4096);
            OutputStream out = slow.getOutputStream();
            out.write(("GET /js_admin/events HTTP/1.1\r\nHost: x\r\nAuthorization: " + TOKEN + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            fast.next(); // its snapshot
            waitForClients(2);
            String big = "x".repeat(8 * 1024);
            long t0 = System.nanoTime();
            int published = 0;
            // The slow client never reads: its socket buffers fill, then its queue (2048 frames / 4 MiB), then it
            // is dropped. The fast client reads everything meanwhile.
            while (hub.dropped() == 0 && published < 20_000) {
                hub.publish("benchmark", Map.of("pad", big, "n", published), false);
                published++;
                assertThat(fast.next().data()).contains("\"n\":" + (published - 1));
            }
            System.out.printf("slow client dropped after %d events of 8 KiB, %.0f ms%n", published,
                    (System.nanoTime() - t0) / 1e6);
            assertThat(hub.dropped()).isEqualTo(1);
            waitForClients(1);
            hub.publish("service", Map.of("after", true), true);
            assertThat(fast.next().data()).contains("after");
        }
    }

    @Test
    void aSnapshotLargerThanAStreamsByteCapStillGoesOutAndTheStreamStays() throws Exception {
        stop();
        startWith(new EventHub("e3", 8, 4), "x".repeat((int) EventsEndpoint.MAX_QUEUED_BYTES + 1024));
        try (Stream stream = Stream.open(port, TOKEN, null)) {
            Event snapshot = stream.next();
            assertThat(snapshot.type()).isEqualTo("snapshot");
            assertThat(snapshot.data().length()).isGreaterThan((int) EventsEndpoint.MAX_QUEUED_BYTES);
            waitForClients(1);
            hub.publish("service", Map.of("after", true), true);
            assertThat(stream.next().data()).contains("after");
        }
        // One snapshot: the browser was not dropped and sent back for another.
        assertThat(snapshots.get()).isEqualTo(1);
        assertThat(hub.dropped()).isZero();
    }

    private void waitForClients(int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.clients() == n);
    }

    /** One parsed event. */
    record Event(String id, String type, String data) { }

    /** A real event-stream client over a socket. */
    static final class Stream implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;

        private Stream(Socket socket) throws Exception {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        static Stream open(int port, String authorization, String lastEventId) throws Exception {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(15_000);
            String request = "GET /js_admin/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                    + "Authorization: " + authorization + "\r\n"
                    + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            Stream stream = new Stream(socket);
            String status = stream.in.readLine();
            assertThat(status).contains("200");
            String header;
            boolean eventStream = false;
            while (!(header = stream.in.readLine()).isEmpty()) {
                eventStream |= header.toLowerCase().startsWith("content-type: text/event-stream");
            }
            assertThat(eventStream).isTrue();
            return stream;
        }

        /** Reads the next event (skipping retry and comment frames; chunk-size lines are not SSE fields). */
        Event next() throws Exception {
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
                    return new Event(id, type, String.join("\n", data));
                }
            }
            throw new IllegalStateException("The stream ended");
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
