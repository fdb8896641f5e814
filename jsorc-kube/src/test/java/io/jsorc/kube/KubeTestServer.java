package io.jsorc.kube;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.jsorc.base.Json;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A real Kubernetes HTTP API in this JVM (fabric8's server in CRUD mode), spoken to by the official client. It can
 * stop answering and come back on the same port with its objects kept. It runs no controllers: tests set pod status.
 */
final class KubeTestServer implements AutoCloseable {

    private final RecordingDispatcher dispatcher = new RecordingDispatcher(new KubernetesCrudDispatcher());
    private final HttpClient http = HttpClient.newHttpClient();
    private KubernetesMockServer server;
    private int port;

    KubeTestServer() {
        start(0);
    }

    private void start(int onPort) {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), onPort);
        port = server.getPort();
    }

    /** @return the requests answered so far that match, oldest first */
    java.util.List<RecordingDispatcher.Request> requests(java.util.function.Predicate<RecordingDispatcher.Request> filter) {
        return dispatcher.requests(filter);
    }

    /** @return the API URL, without a trailing slash */
    String basePath() {
        return "http://127.0.0.1:" + port;
    }

    /** @return a KUBE_CONFIG pointing the kube service here */
    String kubeConfig(String namespace) {
        return "{\"enabled\": true, \"automated\": true, \"namespace\": \"" + namespace + "\", \"in_cluster\": false, \"base_path\": \""
                + basePath() + "\", \"timeout_ms\": 1000}";
    }

    /**
     * Starts the builder of one replica of a host that elects its leader on a Lease of this server: the kube service
     * (user agent {@code jsorc/<name>}) pre-loaded, Redis off, a lease long enough that a loaded machine never hands
     * it over (the tests need no failover).
     *
     * @param name the replica's name
     * @param app  the host's name (the Lease's)
     * @return the builder
     */
    io.jsorc.Orchestrator.Builder replica(String name, String app) {
        return io.jsorc.Orchestrator.builder()
                .config("KUBE_CONFIG", "{\"enabled\": true, \"namespace\": \"jsorc\", \"in_cluster\": false, "
                        + "\"base_path\": \"" + basePath() + "\", \"timeout_ms\": 3000, "
                        + "\"user_agent\": \"jsorc/" + name + "\"}")
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 30, \"pre_loaded_services\": [\"kube\"], "
                        + "\"leader_election\": {\"mode\": \"kube\", \"lease_duration_ms\": 15000, "
                        + "\"renew_deadline_ms\": 10000, \"retry_period_ms\": 500, \"app\": \"" + app + "\"}}");
    }

    /** Answers the next {@code times} requests that match with {@code status} instead of the API server. */
    void failNext(java.util.function.Predicate<RecordingDispatcher.Request> matching, int status, int times) {
        dispatcher.failNext(matching, status, times);
    }

    /** Stops answering (connections are refused). */
    void stop() {
        server.destroy();
    }

    /** Comes back on the same port with the same objects. */
    void restart() {
        start(port);
    }

    Optional<Map<String, Object>> get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(basePath() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Optional.of(Json.parseObject(response.body(), path));
    }

    /** Deletes an object (404 is fine: already gone). */
    void delete(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(basePath() + path)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2 && response.statusCode() != 404) {
            throw new IOException("DELETE " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    void create(String path, Map<String, Object> body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(basePath() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** What a controller would do: merges {@code statusJson} into the object's status. */
    void patchStatus(String path, String statusJson) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(basePath() + path + "/status"))
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"status\": " + statusJson + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("Patching the status of " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    /** What a kubelet would do: the pod runs and is Ready. */
    void markPodReady(String namespace, String name) throws IOException, InterruptedException {
        String patch = "{\"status\": {\"phase\": \"Running\", \"conditions\": [{\"type\": \"Ready\", \"status\": \"True\"}]}}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(basePath() + "/api/v1/namespaces/"
                        + namespace + "/pods/" + name + "/status"))
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(patch)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("Marking pod " + name + " ready answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    @Override
    public void close() {
        server.destroy();
    }
}
