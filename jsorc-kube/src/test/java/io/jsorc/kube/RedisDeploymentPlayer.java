package io.jsorc.kube;

import io.jsorc.test.RedisServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plays the cluster's part for the shipped {@code REDIS_MANIFEST} on the test API server, which runs no controllers:
 * while the Deployment {@code jsorc-redis} exists, its "pod" is a real {@code redis-server} on a fixed loopback port.
 * Once the Deployment appears, it starts the server, and when the server answers PING (the manifest's tcpSocket
 * readiness probe) it reports the Deployment available and gives the Service {@code jsorc-redis} a ready endpoint —
 * what the Deployment controller, the kubelet and the endpoints controller would do. {@link #outage()} is a Redis
 * outage: the Deployment is deleted and the pod dies with it. Its own requests carry the JDK's user agent, never a
 * replica's.
 */
final class RedisDeploymentPlayer implements AutoCloseable {

    static final String DEPLOYMENT = "/apis/apps/v1/namespaces/jsorc/deployments/jsorc-redis";
    private static final String ENDPOINTS = "/api/v1/namespaces/jsorc/endpoints";

    private final KubeTestServer api;
    private final RedisServer redis;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Thread thread;
    /** Guards the pod: the loop never restarts a server that {@link #outage()} is taking down. */
    private final Object pod = new Object();
    private volatile boolean closed;
    private volatile long deploymentSeenNanos;
    private volatile long podReadyNanos;
    private volatile String failure;

    /**
     * Starts playing the cluster for the Deployment.
     *
     * @param api   the test API server
     * @param redis the server that is the pod; it is killed now if it runs (no Deployment exists yet)
     */
    RedisDeploymentPlayer(KubeTestServer api, RedisServer redis) {
        this.api = api;
        this.redis = redis;
        redis.kill();
        thread = new Thread(this::run, "redis-deployment-player");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!closed) {
            try {
                synchronized (pod) {
                    reconcile();
                }
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                failure = e.toString(); // the next pass retries; the test prints it if it times out
            }
        }
    }

    private void reconcile() throws IOException, InterruptedException {
        Optional<Map<String, Object>> deployment = api.get(DEPLOYMENT);
        if (deployment.isEmpty()) {
            return;
        }
        if (deploymentSeenNanos == 0) {
            deploymentSeenNanos = System.nanoTime();
        }
        if (!redis.isRunning()) {
            redis.start(); // returns once it answers PING: the readiness probe passed
        }
        Map<String, Object> object = deployment.get();
        if (!Long.valueOf(1).equals(number(Documents.path(object, "status", "availableReplicas")))) {
            Long generation = number(Documents.path(object, "metadata", "generation"));
            String status = "{\"status\": {\"replicas\": 1, \"readyReplicas\": 1, \"availableReplicas\": 1, "
                    + "\"updatedReplicas\": 1" + (generation == null ? "" : ", \"observedGeneration\": " + generation)
                    + "}}";
            patch(DEPLOYMENT + "/status", status);
        }
        if (api.get(ENDPOINTS + "/jsorc-redis").isEmpty()) {
            api.create(ENDPOINTS, Map.of("apiVersion", "v1", "kind", "Endpoints",
                    "metadata", Map.of("name", "jsorc-redis", "namespace", "jsorc"),
                    "subsets", List.of(Map.of("addresses", List.of(Map.of("ip", "127.0.0.1")),
                            "ports", List.of(Map.of("name", "redis", "port", redis.port()))))));
        }
        if (podReadyNanos == 0) {
            podReadyNanos = System.nanoTime();
        }
    }

    /**
     * A Redis outage: deletes the Deployment at the API server, kills the pod's {@code redis-server} (SIGKILL) and
     * removes the Service's endpoints. It comes back once someone re-creates the Deployment.
     *
     * @throws IOException          when the API server refuses
     * @throws InterruptedException when interrupted
     */
    void outage() throws IOException, InterruptedException {
        synchronized (pod) {
            api.delete(DEPLOYMENT);
            redis.kill();
            api.delete(ENDPOINTS + "/jsorc-redis");
            deploymentSeenNanos = 0;
            podReadyNanos = 0;
        }
    }

    /** {@return when the Deployment was last seen re-created ({@link System#nanoTime()}), or 0} */
    long deploymentSeenNanos() {
        return deploymentSeenNanos;
    }

    /** {@return when the pod last became ready: redis-server answers, status and endpoints set; or 0} */
    long podReadyNanos() {
        return podReadyNanos;
    }

    /** {@return the last error of a pass (for a failure's diagnosis), or null} */
    String lastFailure() {
        return failure;
    }

    private void patch(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(api.basePath() + path))
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("PATCH " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private static Long number(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
