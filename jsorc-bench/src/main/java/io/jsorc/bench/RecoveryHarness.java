package io.jsorc.bench;

import io.jsorc.Orchestrator;
import io.jsorc.ServiceState;
import io.jsorc.base.Json;
import io.jsorc.test.RedisServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Recovery time of the redis service (not JMH: it measures a wall-clock reaction to a real failure). Each trial kills
 * a real {@code redis-server}, restarts it on the same port after a random 0–3 s, and measures from "the server
 * accepts connections" to "the redis service is RUNNING". Two loops are compared: JsOrc's (event trigger +
 * per-service backoff) and a plain fixed-interval loop ({@code event_trigger: false}, {@code backoff_interval} 10 s).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.jsorc.bench.RecoveryHarness [trials] [out.json] [seed]}.
 */
public final class RecoveryHarness {

    private RecoveryHarness() {
    }

    /**
     * Runs the trials of both loops and writes their results.
     *
     * @param args trials (default 20), output file (default target/bench/recovery.json), seed (default 42)
     * @throws Exception when the harness cannot run
     */
    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path out = Path.of(args.length > 1 ? args[1] : "target/bench/recovery.json");
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("trials", trials);
        results.put("outage_ms", "uniform 0-3000, seed " + seed);
        results.put("event", run(true, trials, new Random(seed)));
        results.put("fixed", run(false, trials, new Random(seed)));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, Json.write(results));
        System.out.println("wrote " + out);
    }

    private static Map<String, Object> run(boolean eventTrigger, int trials, Random random) throws Exception {
        List<Long> recoveries = new ArrayList<>();
        AtomicLong runningAt = new AtomicLong();
        try (RedisServer server = RedisServer.startNew();
             Orchestrator orchestrator = Orchestrator.builder().scanPackages()
                     .config("REDIS_CONFIG", server.redisConfig("\"timeout_ms\": 500, \"connect_timeout_ms\": 500, "
                             + "\"health_timeout_ms\": 300, \"quiet\": true"))
                     .config("JSORC_CONFIG", "{\"backoff_interval\": 10, \"pre_loaded_services\": [\"redis\"], "
                             + "\"event_trigger\": " + eventTrigger + "}")
                     .listener((service, from, to, error) -> {
                         if (service.equals("redis") && to == ServiceState.RUNNING) {
                             runningAt.set(System.nanoTime());
                         }
                     })
                     .build().start()) {
            for (int trial = 0; trial < trials; trial++) {
                waitUntil(() -> orchestrator.svc("redis").isRunning(), 30_000);
                if (!eventTrigger) {
                    // Kill at a random phase of the fixed loop's 10 s cycle, not right after the cycle that
                    // recovered it (that would make every fixed recovery take 10 s minus the outage).
                    Thread.sleep(random.nextInt(10_001));
                }
                server.kill();
                // The outage must be noticed, or a "recovery" would be nothing but an unnoticed blip.
                waitUntil(() -> !orchestrator.svc("redis").isRunning(), 30_000);
                Thread.sleep(random.nextInt(3001));
                runningAt.set(0);
                Thread starter = new Thread(server::start, "harness-redis-start");
                starter.start();
                long accepting = firstAccept(server.port());
                starter.join();
                waitUntil(() -> runningAt.get() != 0 && orchestrator.svc("redis").isRunning(), 60_000);
                long millis = Math.max(0, (runningAt.get() - accepting) / 1_000_000);
                recoveries.add(millis);
                System.out.printf(Locale.ROOT, "%s trial %2d: RUNNING %5d ms after the server accepted%n",
                        eventTrigger ? "event" : "fixed", trial + 1, millis);
            }
        }
        long[] sorted = recoveries.stream().mapToLong(Long::longValue).sorted().toArray();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("p50_ms", percentile(sorted, 50));
        summary.put("p95_ms", percentile(sorted, 95));
        summary.put("max_ms", sorted[sorted.length - 1]);
        summary.put("mean_ms", Arrays.stream(sorted).average().orElse(0));
        summary.put("samples_ms", recoveries);
        System.out.println((eventTrigger ? "event" : "fixed") + ": " + summary);
        return summary;
    }

    /** Polls the port every millisecond: the instant the restarted server accepts a TCP connection. */
    private static long firstAccept(int port) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 50);
                return System.nanoTime();
            } catch (IOException e) {
                Thread.sleep(1);
            }
        }
        throw new IllegalStateException("redis-server did not accept connections within 30 s");
    }

    private static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private interface Condition {
        boolean holds();
    }

    private static void waitUntil(Condition condition, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis service not RUNNING within " + timeoutMillis + " ms");
            }
            Thread.sleep(2);
        }
    }
}
