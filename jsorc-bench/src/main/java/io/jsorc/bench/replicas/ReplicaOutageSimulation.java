package io.jsorc.bench.replicas;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.jsorc.Orchestrator;
import io.jsorc.cluster.Leadership;
import io.jsorc.config.MemoryHook;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * API writes per outage for N replicas, with and without leader election, and failover time: {@code java -cp
 * benchmarks.jar io.jsorc.bench.replicas.ReplicaOutageSimulation [outages per run] [failovers per run] [N...]}.
 *
 * <p>N orchestrators run in this JVM against one test Kubernetes API server (fabric8's, CRUD mode), each through its
 * own TCP forwarder. Each runs {@link SimService}, whose dependency is a ConfigMap its manifest applies plus a process
 * behind it. An outage takes the process down, waits until every replica's service failed, deletes the ConfigMap,
 * and brings the process back 2 s later; it ends when every replica runs again (then 1.5 s more for late requests).
 * The API server counts the replicas' requests per outage, Leases excluded: writes (POST, PUT, PATCH, DELETE) and
 * all (reads too). A failover partitions the leader (its forwarder closes every
 * connection: to the cluster it is a crashed pod) and times until another replica leads. Lease 2 s, renew deadline
 * 1 s, retry period 0.5 s; {@code backoff_interval} 1 s.
 */
public final class ReplicaOutageSimulation {

    private static final String ELECTION = "{\"mode\": \"%s\", \"lease_duration_ms\": 2000, "
            + "\"renew_deadline_ms\": 1000, \"retry_period_ms\": 500, \"app\": \"%s\"}";

    private final int port;
    private final AtomicLong writes;
    private final AtomicLong requests;
    private final HttpClient http = HttpClient.newHttpClient();

    private ReplicaOutageSimulation(int port, AtomicLong writes, AtomicLong requests) {
        this.port = port;
        this.writes = writes;
        this.requests = requests;
    }

    /** Counts the replicas' writes (user agent {@code jsorc/...}), Leases excluded. */
    private static final class Counting extends Dispatcher {
        private final Dispatcher delegate = new KubernetesCrudDispatcher();
        private final AtomicLong writes;
        private final AtomicLong requests;

        Counting(AtomicLong writes, AtomicLong requests) {
            this.writes = writes;
            this.requests = requests;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String method = request.getMethod().toUpperCase(Locale.ROOT);
            String agent = request.getHeader("User-Agent");
            if (agent != null && agent.startsWith("jsorc/") && !request.getPath().contains("/leases")) {
                requests.incrementAndGet();
                if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")
                        || method.equals("DELETE")) {
                    writes.incrementAndGet();
                }
            }
            return delegate.dispatch(request);
        }
    }

    /** One run's measurements. */
    record Result(String mode, int replicas, List<Long> writesPerOutage, List<Long> requestsPerOutage,
                  List<Long> outageMillis, List<Long> failoverMillis) {
    }

    /**
     * Runs the simulation and prints a Markdown table.
     *
     * @param args outages per run (3), failovers per run (5), then the replica counts (1 5 20 50)
     * @throws Exception when the server or a replica cannot start
     */
    public static void main(String[] args) throws Exception {
        int outages = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int failovers = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<Integer> counts = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            counts.add(Integer.parseInt(args[i]));
        }
        if (counts.isEmpty()) {
            counts.addAll(List.of(1, 5, 20, 50));
        }
        AtomicLong writes = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new Counting(writes, requests), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        ReplicaOutageSimulation sim = new ReplicaOutageSimulation(server.getPort(), writes, requests);
        List<Result> results = new ArrayList<>();
        try {
            for (int n : counts) {
                for (String mode : List.of("none", "kube")) {
                    Result result = sim.run(mode, n, outages, mode.equals("kube") && n > 1 ? failovers : 0);
                    results.add(result);
                    System.out.println(result);
                }
            }
        } finally {
            server.destroy();
        }
        System.out.println();
        System.out.println("| replicas | election | writes per outage (mean) | per outage | requests per outage (mean) "
                + "| recovery after the dependency is back, p50 ms | failover p50 ms | failover max ms |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            System.out.printf("| %d | %s | %.1f | %s | %.0f | %d | %s | %s |%n", r.replicas(), r.mode(),
                    r.writesPerOutage().stream().mapToLong(Long::longValue).average().orElse(0), r.writesPerOutage(),
                    r.requestsPerOutage().stream().mapToLong(Long::longValue).average().orElse(0),
                    percentile(r.outageMillis(), 50),
                    r.failoverMillis().isEmpty() ? "-" : Long.toString(percentile(r.failoverMillis(), 50)),
                    r.failoverMillis().isEmpty() ? "-" : Long.toString(percentile(r.failoverMillis(), 100)));
        }
    }

    private Result run(String mode, int n, int outages, int failovers)
            throws Exception {
        String namespace = "sim-" + mode + "-" + n;
        List<Forwarder> forwarders = new ArrayList<>();
        List<Orchestrator> replicas = new ArrayList<>();
        List<Long> writesPerOutage = new ArrayList<>();
        List<Long> requestsPerOutage = new ArrayList<>();
        List<Long> outageMillis = new ArrayList<>();
        List<Long> failoverMillis = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Forwarder forwarder = new Forwarder(port);
                forwarders.add(forwarder);
                replicas.add(replica(forwarder.url(), namespace, "r" + i, mode, namespace).build().start());
            }
            await(() -> replicas.stream().allMatch(r -> r.svc("sim").isRunning()), 120_000, "all replicas running");
            for (int i = 0; i < outages; i++) {
                Thread.sleep(1500);
                long before = writes.get();
                long requestsBefore = requests.get();
                SimService.dependencyUp = false;
                await(() -> replicas.stream().noneMatch(r -> r.svc("sim").isRunning()), 60_000, "outage noticed");
                delete("/api/v1/namespaces/" + namespace + "/configmaps/sim-dependency");
                Thread.sleep(2000);
                long t0 = System.nanoTime();
                SimService.dependencyUp = true;
                await(() -> replicas.stream().allMatch(r -> r.svc("sim").isRunning()), 120_000, "recovered");
                outageMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                Thread.sleep(1500);
                writesPerOutage.add(writes.get() - before);
                requestsPerOutage.add(requests.get() - requestsBefore);
            }
            for (int i = 0; i < failovers; i++) {
                await(() -> leaders(replicas) == 1, 30_000, "one leader");
                int leader = leaderIndex(replicas);
                long t0 = System.nanoTime();
                forwarders.get(leader).cut();
                await(() -> leaderIndexOtherThan(replicas, leader) >= 0, 30_000, "failover");
                failoverMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                forwarders.get(leader).heal();
            }
        } finally {
            SimService.dependencyUp = true;
            replicas.forEach(Orchestrator::close);
            forwarders.forEach(Forwarder::close);
        }
        return new Result(mode, n, writesPerOutage, requestsPerOutage, outageMillis, failoverMillis);
    }

    private static Orchestrator.Builder replica(String url, String namespace, String name, String mode, String app) {
        return Orchestrator.builder().scanPackages().useIndex(false).register(SimService.class).hook(new MemoryHook())
                .config("KUBE_CONFIG", "{\"enabled\": true, \"automated\": true, \"namespace\": \"" + namespace
                        + "\", \"in_cluster\": false, \"base_path\": \"" + url + "\", \"timeout_ms\": 1000, "
                        + "\"user_agent\": \"jsorc/" + name + "\"}")
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("SIM_CONFIG", "{\"enabled\": true, \"automated\": true}")
                .config("SIM_MANIFEST", SimService.MANIFEST)
                .config("JSORC_CONFIG", "{\"backoff_interval\": 1, \"pre_loaded_services\": [\"kube\"], "
                        + "\"leader_election\": " + String.format(ELECTION, mode, app) + "}");
    }

    private static int leaders(List<Orchestrator> replicas) {
        int count = 0;
        for (Orchestrator replica : replicas) {
            count += Leadership.of(replica).isLeader() ? 1 : 0;
        }
        return count;
    }

    private static int leaderIndex(List<Orchestrator> replicas) {
        return leaderIndexOtherThan(replicas, -1);
    }

    private static int leaderIndexOtherThan(List<Orchestrator> replicas, int excluded) {
        for (int i = 0; i < replicas.size(); i++) {
            if (i != excluded && Leadership.of(replicas.get(i)).isLeader()) {
                return i;
            }
        }
        return -1;
    }

    private void delete(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("DELETE " + path + " answered " + response.statusCode());
        }
    }

    private static void await(BooleanSupplier condition, long timeoutMillis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Timed out after " + timeoutMillis + " ms waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    private static long percentile(List<Long> values, int percentile) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
