package io.jsorc.bench;

import io.jsorc.Orchestrator;
import io.jsorc.admin.AdminService;
import io.jsorc.config.MemoryHook;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
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

import java.util.concurrent.TimeUnit;

/**
 * The admin API over loopback: a {@code config_get} round trip (token check, JSON body, config store read, JSON
 * answer) from Jetty's HTTP client on a kept-alive connection, sampled for p50/p99; run at 1 and 2 threads (each
 * thread its own client and connection) for requests per second.
 *
 * <p>Not the JDK's client: on JDK 17 (17.0.15 here) it now and then hands the answer to a request on a reused
 * connection to its pool's idle-connection watcher, which closes the connection and fails the request ("HTTP/1.1
 * header parser received no bytes", caused by "connection closed locally"). A capture of the loopback traffic showed
 * the server answering that request once, whole, like every other; the same runs on JDK 25 never failed.
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
        String configGet;

        /**
         * Starts the client.
         *
         * @param host the host
         * @throws Exception when it does not start
         */
        @Setup(Level.Trial)
        public void start(Host host) throws Exception {
            http = new HttpClient();
            QueuedThreadPool pool = new QueuedThreadPool(8, 1);
            pool.setDaemon(true);
            http.setExecutor(pool);
            http.setMaxConnectionsPerDestination(1);
            http.setUserAgentField(null);
            http.start();
            configGet = host.url + "/js_admin/config_get";
        }

        /**
         * Stops the client.
         *
         * @throws Exception when it does not stop
         */
        @TearDown(Level.Trial)
        public void stop() throws Exception {
            http.stop();
        }
    }

    /**
     * {@return the answer's body} after checking it was a 200
     *
     * @param client this thread's client
     * @throws Exception when the request fails
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public String configGet(Client client) throws Exception {
        ContentResponse response = client.http.newRequest(client.configGet).method(HttpMethod.POST)
                .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + TOKEN))
                .body(new StringRequestContent("application/json", "{\"name\": \"JSORC_CONFIG\"}"))
                .timeout(30, TimeUnit.SECONDS).send();
        if (response.getStatus() != 200) {
            throw new IllegalStateException("config_get answered " + response.getStatus() + ": "
                    + response.getContentAsString());
        }
        return response.getContentAsString();
    }
}
