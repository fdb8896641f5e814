package io.jsorc.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the admin server on 127.0.0.1 and a free port: records every request (method, path, Authorization
 * header, body) and answers the scripted replies in order, {@code 200 {"success": true}} when none is left.
 */
final class FakeAdminServer implements AutoCloseable {

    /** One recorded request. */
    record Request(String method, String path, String authorization, String contentType, String body) {
    }

    /** One scripted reply; {@code delayMillis} is waited before answering. */
    record Reply(int status, String contentType, String body, long delayMillis) {
    }

    private final HttpServer server;
    /** Handlers run here, not on the dispatcher, so a delayed reply does not hold {@link #close()}. */
    private final ExecutorService handlers = Executors.newFixedThreadPool(4);
    private final BlockingQueue<Request> requests = new ArrayBlockingQueue<>(256);
    private final BlockingQueue<Reply> replies = new ArrayBlockingQueue<>(256);

    private FakeAdminServer(HttpServer server) {
        this.server = server;
    }

    static FakeAdminServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        FakeAdminServer fake = new FakeAdminServer(server);
        server.createContext("/", fake::handle);
        server.setExecutor(fake.handlers);
        server.start();
        return fake;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Scripts the next JSON answer. */
    FakeAdminServer reply(int status, String json) {
        return reply(new Reply(status, "application/json", json, 0));
    }

    FakeAdminServer reply(Reply reply) {
        if (!replies.offer(reply)) {
            throw new IllegalStateException("too many scripted replies");
        }
        return this;
    }

    /** The next request the server got, waiting up to 10 s for it. */
    Request take() throws InterruptedException {
        Request request = requests.poll(10, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request reached the fake admin server within 10 s");
        }
        return request;
    }

    /** Every request received and not taken yet. */
    List<Request> drain() {
        List<Request> all = new ArrayList<>();
        requests.drainTo(all);
        return all;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body);
            if (!requests.offer(request)) {
                throw new IllegalStateException("more than 256 requests not taken");
            }
            Reply reply = replies.poll();
            if (reply == null) {
                reply = new Reply(200, "application/json", "{\"success\": true}", 0);
            }
            if (reply.delayMillis() > 0) {
                Thread.sleep(reply.delayMillis());
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client gave up (a timeout test): nothing to answer.
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
