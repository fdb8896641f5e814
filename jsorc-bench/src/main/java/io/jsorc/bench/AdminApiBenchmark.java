package io.jsorc.bench;

import io.jsorc.Orchestrator;
import io.jsorc.admin.AdminService;
import io.jsorc.config.MemoryHook;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

/**
 * The admin API over loopback: a {@code config_get} round trip (token check, JSON body, config store read, JSON
 * answer) from the JDK's HTTP client on a kept-alive connection, sampled for p50/p99; run at 1 and 2 threads
 * (each thread its own client and connection) for requests per second.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class AdminApiBenchmark {

    private static final String TOKEN = "bench-admin-token-0123456789";

    /** The host: one orchestrator with the admin API on a free loopback port. */
    @State(Scope.Benchmark)
    public static class Host {
        Orchestrator orchestrator;
        String url;

        /** Starts it. */
        @Setup(Level.Trial)
        public void start() {
            orchestrator = Orchestrator.builder().scanPackages().hook(new MemoryHook())
                    .config("REDIS_CONFIG", "{\"enabled\": false}")
                    .config("ADMIN_CONFIG", "{\"enabled\": true, \"port\": 0, \"token\": \"" + TOKEN + "\"}")
                    .build().start();
            url = orchestrator.svc("admin", AdminService.class).url();
        }

        /** Stops it. */
        @TearDown(Level.Trial)
        public void stop() {
            orchestrator.close();
        }
    }

    /** One client (and connection) per benchmark thread. */
    @State(Scope.Thread)
    public static class Client {
        HttpClient http;
        HttpRequest configGet;

        /**
         * Builds the client and the request.
         *
         * @param host the host
         */
        @Setup(Level.Trial)
        public void start(Host host) {
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            configGet = HttpRequest.newBuilder(URI.create(host.url + "/js_admin/config_get"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"JSORC_CONFIG\"}")).build();
        }
    }

    /**
     * {@return the answer's body} after checking it was a 200
     *
     * @param client this thread's client
     * @throws IOException          when the request fails
     * @throws InterruptedException when interrupted
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public String configGet(Client client) throws IOException, InterruptedException {
        HttpResponse<String> response = client.http.send(client.configGet, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("config_get answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
