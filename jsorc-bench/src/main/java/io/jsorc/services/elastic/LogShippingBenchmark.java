package io.jsorc.services.elastic;

import io.jsorc.Orchestrator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;

/**
 * What a log call costs the caller with the elastic service's shipping: {@code drained} — a consumer keeps up (the
 * normal case; the consumer here drains without HTTP, so only the queue is measured) — and {@code full} — nothing
 * drains, as while Elasticsearch is down, so every call also drops the oldest record. Through
 * {@link ElasticLogs#app} and through the JUL handler (a host's {@code java.util.logging} call).
 *
 * <p>In the service's package because the shipping is activated by the service's {@code run()}; the benchmark
 * activates it directly, without a server.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class LogShippingBenchmark {

    /** {@code drained} or {@code full}. */
    @Param({"drained", "full"})
    public String queue;

    private Orchestrator orchestrator;
    private ElasticLogs logs;
    private ElasticJulHandler handler;
    private Thread consumer;
    private final Map<String, Object> extra = Map.of("request_id", "r-42");

    /** Activates the shipping of a throwaway orchestrator; starts the draining consumer for {@code drained}. */
    @Setup(Level.Trial)
    public void setUp() {
        orchestrator = Orchestrator.builder().scanPackages().config("REDIS_CONFIG", "{\"enabled\": false}").build();
        logs = ElasticLogs.activate(orchestrator, new ElasticService.Settings("", "", "c", "a", "core", "app", 500,
                1000, 10_000, Duration.ofSeconds(1)));
        handler = new ElasticJulHandler(orchestrator);
        LogQueue queue = logs.queue();
        if (this.queue.equals("full")) {
            for (int i = 0; i < queue.capacity(); i++) {
                logs.app(Instant.now(), "INFO", "bench", "prefill", null);
            }
            return;
        }
        consumer = new Thread(() -> {
            List<LogQueue.Queued> batch = new ArrayList<>(500);
            while (!Thread.currentThread().isInterrupted()) {
                queue.awaitBatch(TimeUnit.MILLISECONDS.toNanos(10));
                int drained = queue.drain(batch, 500);
                queue.settle(drained, 0);
                batch.clear();
                queue.held(batch);
            }
        }, "bench-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    /** Stops the consumer and the orchestrator. */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        if (consumer != null) {
            consumer.interrupt();
            consumer.join(5_000);
        }
        orchestrator.close();
    }

    /** A record with one extra field, as a host logging call through the service would queue it. */
    @Benchmark
    public void app() {
        logs.app(Instant.now(), "INFO", "io.jsorc.bench", "request served", extra);
    }

    /** A {@code java.util.logging} record through {@link ElasticJulHandler}. */
    @Benchmark
    public void julHandler() {
        handler.publish(new LogRecord(java.util.logging.Level.INFO, "request served"));
    }
}
