package io.jsorc.bench;

import io.jsorc.Orchestrator;
import io.jsorc.action.Action;
import io.jsorc.action.ActionConfig;
import io.jsorc.action.ActionManager;
import io.jsorc.action.ActionMode;
import io.jsorc.action.ActionModule;
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

import io.jsorc.action.ActionServer;
import io.jsorc.bench.remote.CandidateClient;
import io.jsorc.bench.remote.ChildProcesses;
import io.jsorc.bench.remote.EchoClient;
import io.jsorc.bench.remote.EchoServer;
import io.jsorc.bench.remote.HttpCapture;
import io.jsorc.bench.remote.JdkActionServer;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Action calls: a direct method call, the same action through {@code ActionManager.call} in this JVM (the
 * overhead of routing and binding), and through a remote server (a child JVM on loopback, HTTP keep-alive; sampled,
 * so the report has p50 and p99). Beside them: {@code loopbackEcho}, the same request and answer bytes over a raw
 * keep-alive socket to an echo server in a child JVM (the physical floor: no HTTP, no JSON), and
 * {@code remoteCandidate}, the server and client candidates the remote call was chosen from, side by side.
 *
 * <p>{@link #main} runs it and prints {@code remote/echo p50 ratio: N} and {@code remote/echo p99 ratio: N}.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ActionCallBenchmark {

    /** The module the benchmark calls. */
    @ActionModule("bench")
    public static class Adder {
        /**
         * Adds two numbers.
         *
         * @param a a number
         * @param b a number
         * @return their sum
         */
        @Action
        public int add(int a, int b) {
            return a + b;
        }
    }

    private final Adder direct = new Adder();
    private Orchestrator local;
    private Orchestrator remote;
    private ActionManager localActions;
    private ActionManager remoteActions;
    /** Arguments kept in fields so nothing folds. */
    public int a = 20;
    /** Arguments kept in fields so nothing folds. */
    public int b = 22;

    /** Loads the module in this JVM and as a remote server. */
    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        local = Orchestrator.builder().scanPackages().build();
        localActions = local.get("action_manager", ActionManager.class);
        localActions.config("bench", ActionConfig.of(Adder.class));
        localActions.load("bench", ActionMode.LOCAL);
        remote = Orchestrator.builder().scanPackages().build();
        remoteActions = remote.get("action_manager", ActionManager.class);
        remoteActions.config("bench", ActionConfig.of(Adder.class));
        remoteActions.load("bench", ActionMode.REMOTE);
        remoteActions.awaitReady("bench", Duration.ofSeconds(60));
    }

    /** Retires the remote server. */
    @TearDown(Level.Trial)
    public void tearDown() {
        local.close();
        remote.close();
    }

    /** {@return the sum, by a plain method call} */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int directCall() {
        return direct.add(a, b);
    }

    /** {@return the sum, through the action manager, in this JVM} */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Object localCall() {
        return localActions.call("bench.add", a, b);
    }

    /** {@return the sum, from the remote server} */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object remoteCall() {
        return remoteActions.call("bench.add", a, b);
    }

    /**
     * Returns the sum from a candidate server through a candidate client, without the action manager.
     *
     * @param candidate the server and client
     * @return the sum
     * @throws Exception when the call fails
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object remoteCandidate(Candidate candidate) throws Exception {
        Map<String, Object> wire = new LinkedHashMap<>();
        wire.put("a", a);
        wire.put("b", b);
        return candidate.client.call("add", wire);
    }

    /**
     * Sends the bytes of one remote call and reads the bytes of its answer over a raw socket: the floor.
     *
     * @param connection this thread's connection to the echo server
     * @return the answer's last byte
     * @throws IOException when the connection fails
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte loopbackEcho(EchoConnection connection) throws IOException {
        return connection.client.roundTrip();
    }

    private static final String TOKEN = "bench-token-0123456789abcdef0123456789abcdef";

    /** A candidate action server in a child JVM and a candidate client. */
    @State(Scope.Benchmark)
    public static class Candidate {
        /** {@code <server>-server+<client>-client}. */
        @Param({"jdk-server+jdk-client", "jetty-server+jdk-client", "jetty-server+jetty-client"})
        public String pair;
        private ChildProcesses.Child server;
        CandidateClient client;

        /**
         * Starts the server and the client.
         *
         * @throws Exception when either does not start
         */
        @Setup(Level.Trial)
        public void start() throws Exception {
            String[] parts = pair.split("\\+");
            Class<?> main = parts[0].equals("jdk-server") ? JdkActionServer.class : ActionServer.class;
            server = main == ActionServer.class
                    ? ChildProcesses.start(main, Map.of(ActionServer.TOKEN_ENV, TOKEN), Adder.class.getName(), "0")
                    : ChildProcesses.start(main, Map.of(ActionServer.TOKEN_ENV, TOKEN), Adder.class.getName());
            client = CandidateClient.of(parts[1].replace("-client", ""), "http://127.0.0.1:" + server.port(), TOKEN);
        }

        /**
         * Stops both.
         *
         * @throws Exception when the client does not stop
         */
        @TearDown(Level.Trial)
        public void stop() throws Exception {
            client.close();
            server.close();
        }
    }

    /** The echo server in a child JVM, answering the bytes of a real call captured from the action server. */
    @State(Scope.Benchmark)
    public static class Echo {
        private ChildProcesses.Child server;
        HttpCapture capture;

        /**
         * Captures one real call's bytes, then starts the echo server with them.
         *
         * @throws IOException when a server does not start
         */
        @Setup(Level.Trial)
        public void start() throws IOException {
            try (ChildProcesses.Child actions = ChildProcesses.start(ActionServer.class,
                    Map.of(ActionServer.TOKEN_ENV, TOKEN), Adder.class.getName(), "0")) {
                capture = HttpCapture.of(actions.port(), TOKEN, "add", "{\"a\":20,\"b\":22}");
            }
            Path answer = Files.createTempFile("jsorc-bench-echo-", ".bin");
            try {
                Files.write(answer, capture.answer());
                server = ChildProcesses.start(EchoServer.class, Map.of(), String.valueOf(capture.request().length),
                        answer.toString());
            } finally {
                Files.deleteIfExists(answer); // read by the echo server before it reports its port
            }
        }

        /** Stops the echo server. */
        @TearDown(Level.Trial)
        public void stop() {
            server.close();
        }
    }

    /** One thread's keep-alive connection to the echo server. */
    @State(Scope.Thread)
    public static class EchoConnection {
        EchoClient client;

        /**
         * Connects.
         *
         * @param echo the echo server
         * @throws IOException when it cannot connect
         */
        @Setup(Level.Trial)
        public void connect(Echo echo) throws IOException {
            client = new EchoClient(echo.server.port(), echo.capture.request(), echo.capture.answer().length);
        }

        /**
         * Disconnects.
         *
         * @throws IOException when closing fails
         */
        @TearDown(Level.Trial)
        public void close() throws IOException {
            client.close();
        }
    }

    /**
     * Runs this benchmark (JMH options as on the command line; {@code -t 1} unless given) and prints the remote call's
     * p50 and p99 as multiples of the echo floor's.
     *
     * @param args JMH command-line options
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        CommandLineOptions command = new CommandLineOptions(args);
        OptionsBuilder options = new OptionsBuilder();
        options.parent(command);
        if (command.getIncludes().isEmpty()) {
            options.include(ActionCallBenchmark.class.getSimpleName());
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Result<?> remote = null;
        Result<?> echo = null;
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            if (name.endsWith(".remoteCall")) {
                remote = result.getPrimaryResult();
            } else if (name.endsWith(".loopbackEcho")) {
                echo = result.getPrimaryResult();
            }
        }
        for (String line : ratioLines(remote, echo)) {
            System.out.println(line);
        }
    }

    /**
     * Formats the remote/echo ratio lines.
     *
     * @param remote the remote call's sampled result
     * @param echo   the echo floor's sampled result
     * @return the p50 and p99 lines, or one saying what is missing
     */
    static java.util.List<String> ratioLines(Result<?> remote, Result<?> echo) {
        if (remote == null || echo == null
                || !(remote.getStatistics().getN() > 0 && echo.getStatistics().getN() > 0)) {
            return java.util.List.of("remote/echo ratio: not measured (run remoteCall and loopbackEcho together)");
        }
        double p50 = remote.getStatistics().getPercentile(50) / echo.getStatistics().getPercentile(50);
        double p99 = remote.getStatistics().getPercentile(99) / echo.getStatistics().getPercentile(99);
        return java.util.List.of(String.format(Locale.ROOT, "remote/echo p50 ratio: %.2f", p50),
                String.format(Locale.ROOT, "remote/echo p99 ratio: %.2f", p99));
    }
}
