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

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Action calls: a direct method call, the same action through {@code ActionManager.call} in this JVM (the
 * overhead of routing and binding), and through a remote server (a child JVM on loopback, HTTP keep-alive; sampled,
 * so the report has p50 and p99).
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
}
