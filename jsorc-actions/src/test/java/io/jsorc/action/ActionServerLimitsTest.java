package io.jsorc.action;

import io.jsorc.fixtures.actions.Calc;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The request queue answers 503 when full, and a connection whose request trickles in is closed. */
class ActionServerLimitsTest {

    private static final ServerLimits TIGHT = new ServerLimits(1 << 20, 1, 0, Duration.ofSeconds(1), 1024,
            Duration.ofSeconds(1), Duration.ofSeconds(30));

    private static HttpRequest post(ActionServer server, String action, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/" + action))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void aCallBeyondTheQueueGets503() throws Exception {
        try (ActionServer server = new ActionServer(Calc.class, new InetSocketAddress(
                InetAddress.getLoopbackAddress(), 0), null, TIGHT)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            CompletableFuture<HttpResponse<String>> running = client.sendAsync(post(server, "slow",
                    "{\"millis\":2000}"), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(500); // the slow call holds the only slot
            long t0 = System.nanoTime();
            HttpResponse<String> refused = client.send(post(server, "add", "{\"a\":1,\"b\":2}"),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println("with the one slot taken: " + refused.statusCode() + " " + refused.body() + " after "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms; first call: " + (running.isDone() ? running.get().statusCode() + " " + running.get().body() : "running"));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).startsWith("{\"error\":").doesNotContain("eclipse");
            assertThat(running.get().statusCode()).isEqualTo(200);
            assertThat(client.send(post(server, "add", "{\"a\":1,\"b\":2}"), HttpResponse.BodyHandlers.ofString())
                    .body()).contains("\"result\":3");
        }
    }

    @Test
    void aConnectionWhoseRequestTricklesInIsClosed() throws Exception {
        try (ActionServer server = new ActionServer(Calc.class, new InetSocketAddress(
                InetAddress.getLoopbackAddress(), 0), null, TIGHT);
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(200);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            long t0 = System.nanoTime();
            boolean closed = false;
            byte[] request = "POST /add HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}".getBytes();
            for (int i = 0; i < request.length && !closed; i++) {
                try {
                    out.write(request[i]); // one byte every ~200 ms: far under 1 KiB/s
                    closed = in.read() < 0;
                } catch (java.net.SocketTimeoutException e) {
                    // nothing yet
                } catch (java.io.IOException e) {
                    closed = true;
                }
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("trickling connection closed after " + millis + " ms: " + closed);
            assertThat(closed).as("the server closed the trickling connection").isTrue();
        }
    }
}
