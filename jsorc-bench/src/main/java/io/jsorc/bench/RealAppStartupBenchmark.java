package io.jsorc.bench;

import io.jsorc.bench.app.LibrariesAlone;
import io.jsorc.bench.app.RealApp;
import io.jsorc.bench.app.spring.SpringGreeter;
import io.jsorc.bench.app.spring.SpringVisits;
import io.jsorc.test.RedisServer;
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
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import java.util.concurrent.TimeUnit;

/**
 * Startup of a real app in a fresh JVM (one shot per fork): two services of its own beside {@code jsorc-services}
 * (so the config store is Redis), a real {@code redis-server} up, the compile-time index present. Two shots each:
 * build + start ({@code ...Start}: what the newcomer timed around {@code JsOrc.orchestrator()}, the target
 * line), and build + start + a first lookup of each service (a greeting, a visit counted in Redis: the app ready to
 * serve). Spring: an {@code AnnotationConfigApplicationContext} scanning the same components as beans (a greeter, a
 * jedis client, a visit counter; singletons are created eagerly there), then the same two calls. Beside them the
 * floor, {@link LibrariesAlone}: what the app's libraries alone cost (slf4j's first logger, one jedis connection and
 * GET), which no container of this app can go below. The server is started before the shot and stopped after it.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(5)
@State(Scope.Benchmark)
public class RealAppStartupBenchmark {

    private RedisServer redis;
    private AutoCloseable container;

    /** Starts a {@code redis-server} on a free loopback port (not measured). */
    @Setup(Level.Trial)
    public void redisUp() {
        redis = RedisServer.startNew();
        System.setProperty("bench.redis.host", redis.host());
        System.setProperty("bench.redis.port", String.valueOf(redis.port()));
    }

    /** Closes the container, then stops the server (not measured). */
    @TearDown(Level.Trial)
    public void down() throws Exception {
        if (container != null) {
            container.close();
        }
        redis.close();
    }

    /** {@return the running orchestrator} {@code Orchestrator.builder().start()}, nothing looked up. */
    @Benchmark
    public Object jsorcRealAppStart() {
        container = RealApp.start(redis.host(), redis.port());
        return container;
    }

    /** {@return the context} {@code new AnnotationConfigApplicationContext(package)}, nothing looked up. */
    @Benchmark
    public Object springRealAppStart() {
        return springContext();
    }

    /** The Spring app's context, kept for the tear-down to close. */
    private AnnotationConfigApplicationContext springContext() {
        AnnotationConfigApplicationContext context =
                new AnnotationConfigApplicationContext("io.jsorc.bench.app.spring");
        container = context;
        return context;
    }

    /** {@return the value read} The floor: slf4j's first logger and one jedis connection and GET, no container. */
    @Benchmark
    public Object librariesAloneStart() {
        return LibrariesAlone.start(redis.host(), redis.port());
    }

    /** {@return the running orchestrator} {@code Orchestrator.builder().start()}, then the first lookups. */
    @Benchmark
    public Object jsorcRealApp() {
        container = RealApp.jsorc(redis.host(), redis.port());
        return container;
    }

    /** {@return the context} {@code new AnnotationConfigApplicationContext(package)}, then the same first calls. */
    @Benchmark
    public Object springRealApp() {
        AnnotationConfigApplicationContext context = springContext();
        String greeting = context.getBean(SpringGreeter.class).greeting();
        long visits = context.getBean(SpringVisits.class).hit();
        if (greeting == null || visits < 1) {
            throw new IllegalStateException("the app did not run");
        }
        return context;
    }
}
