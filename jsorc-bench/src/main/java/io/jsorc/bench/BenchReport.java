package io.jsorc.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jsorc.base.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes BENCHMARKS.md from the JMH JSON results and the recovery harness's JSON: raw scores with their error, and
 * the ratio of each peer to JsOrc, measured in one run on one machine.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.jsorc.bench.BenchReport <results dir> <out.md> <command>}.
 */
public final class BenchReport {

    private record Result(String benchmark, int threads, String size, double score, double error, String unit,
                          Double allocation, Double p50, Double p99) {

        String method() {
            return benchmark.substring(benchmark.lastIndexOf('.') + 1);
        }
    }

    /**
     * Heads the real app's hand-measured part (its own shape through {@code scripts/real-app-startup.sh}, and the
     * profile of where its start-up time goes), carried over from the report being replaced.
     */
    private static final String REAL_APP_BY_HAND = "#### Real app in its own shape";

    private final StringBuilder md = new StringBuilder();

    private BenchReport() {
    }

    /**
     * Writes the report.
     *
     * @param args results directory, output file, the command that produced the results
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Path out = Path.of(args[1]);
        String command = args.length > 2 ? args[2] : "scripts/bench.sh";
        new BenchReport().write(dir, out, command);
    }

    private void write(Path dir, Path out, String command) throws IOException {
        line("# Benchmarks");
        line("");
        line("Machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ". Date: " + LocalDate.now()
                + ". Produced by `" + command + "`.");
        line("");
        line("Ratios are measured in this one run on this one machine (shared, 2 cores: absolute times are noise). "
                + "A ratio is peer ÷ JsOrc: above 1 means JsOrc is faster.");
        line("");
        lookup(read(dir, "lookup-t1.json"), read(dir, "lookup-t2.json"));
        newInstance(read(dir, "new-instance.json"));
        startup(read(dir, "startup.json"), dir, out);
        recovery(dir.resolve("recovery.json"));
        actions(read(dir, "actions-t1.json"), read(dir, "actions-t2.json"));
        logShipping(read(dir, "logs-t1.json"), read(dir, "logs-t2.json"));
        replicasCarriedOver(out);
        admin(read(dir, "admin-t1.json"), read(dir, "admin-t2.json"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString());
        System.out.println("wrote " + out);
    }

    private void lookup(List<Result> t1, List<Result> t2) {
        line("## 1. Lookup of a running singleton");
        line("");
        line("`java -jar jsorc-bench/target/benchmarks.jar LookupBenchmark -t {1,2} -prof gc`");
        line("");
        List<Result> all = new ArrayList<>(t1);
        all.addAll(t2);
        table(all, "jsorcSvc");
        Result svc = find(t1, "jsorcSvc", null);
        Result spring = find(t1, "springGetBean", null);
        Result guiceProvider = find(t1, "guiceCachedProvider", null);
        if (svc != null && spring != null && guiceProvider != null) {
            target("`svc` hot lookup <= 10 ns/op", String.format(Locale.ROOT, "%.2f ns/op", svc.score()),
                    svc.score() <= 10);
            target(">= 3x faster than Spring `getBean(name)`", ratio(spring.score(), svc.score()),
                    spring.score() / svc.score() >= 3);
            target("no slower than Guice's cached provider", ratio(guiceProvider.score(), svc.score()),
                    svc.score() <= guiceProvider.score());
            target("0 B/op", svc.allocation() == null ? "n/a" : String.format(Locale.ROOT, "%.3f B/op",
                    svc.allocation()), svc.allocation() != null && svc.allocation() < 0.5);
            line("");
        }
    }

    private void newInstance(List<Result> results) {
        line("## 2. New instance");
        line("");
        line("`java -jar jsorc-bench/target/benchmarks.jar NewInstanceBenchmark -prof gc`");
        line("");
        table(results, "jsorcCtx");
    }

    private void startup(List<Result> results, Path dir, Path out) throws IOException {
        line("## 3–4. Startup: registry build + first lookup, fresh JVM per fork");
        line("");
        line("`java -jar jsorc-bench/target/benchmarks.jar StartupBenchmark` (SingleShotTime, one shot per fork)");
        line("");
        realApp(results, dir);
        carriedOver(out, REAL_APP_BY_HAND, "\n### ");
        for (String size : List.of("50", "500")) {
            List<Result> ofSize = results.stream().filter(r -> size.equals(r.size())).toList();
            if (ofSize.isEmpty()) {
                continue;
            }
            line("### " + size + " classes");
            line("");
            table(ofSize, "jsorcIndex");
            Result scan = find(ofSize, "jsorcScan", size);
            Result index = find(ofSize, "jsorcIndex", size);
            Result spring = find(ofSize, "springScan", size);
            if (size.equals("500") && scan != null && index != null && spring != null) {
                target("scan <= 1/2 of Spring's", "Spring ÷ scan = " + ratio(spring.score(), scan.score()),
                        scan.score() * 2 <= spring.score());
                target("with the index <= 1/10 of Spring's", "Spring ÷ index = " + ratio(spring.score(), index.score()),
                        index.score() * 10 <= spring.score());
                line("");
            }
        }
    }

    /**
     * The real app lines: build + start (the target), and with the first lookups; plain JVM, then each with an
     * AppCDS archive of its own ({@code startup-cds-<benchmark>.json}).
     */
    private void realApp(List<Result> results, Path dir) throws IOException {
        List<Result> app = results.stream().filter(r -> r.benchmark().contains("RealAppStartupBenchmark")).toList();
        if (app.isEmpty()) {
            return;
        }
        line("### Real app: two services + `jsorc-services`, a real `redis-server` up, index present");
        line("");
        line("`RealAppStartupBenchmark`: `Orchestrator.builder().start()` (`...Start`), and the same followed "
                + "by a first call of each service (a greeting, a visit counted in Redis), beside Spring's "
                + "`AnnotationConfigApplicationContext` over the same components as beans (greeter, jedis client, "
                + "visit counter; created eagerly there), alone and followed by the same calls. In a plain JVM, phase "
                + "by phase: `java -cp jsorc-bench/target/benchmarks.jar io.jsorc.bench.app.RealApp <redis port> "
                + "--phases`. "
                + "`librariesAloneStart` is the floor under both: the app's libraries alone (slf4j's first logger, one "
                + "jedis connection and GET), no container.");
        line("");
        List<Result> cds = new ArrayList<>();
        for (String method : List.of("jsorcRealAppStart", "springRealAppStart", "jsorcRealApp", "springRealApp")) {
            for (Result r : read(dir, "startup-cds-" + method + ".json")) {
                cds.add(new Result(r.benchmark() + " (AppCDS)", r.threads(), r.size(), r.score(), r.error(), r.unit(),
                        r.allocation(), r.p50(), r.p99()));
            }
        }
        line("Build + start, plain JVM:");
        line("");
        table(app.stream().filter(r -> r.method().endsWith("Start")).toList(), "jsorcRealAppStart");
        line("Build + start + first calls, plain JVM:");
        line("");
        table(app.stream().filter(r -> !r.method().endsWith("Start")).toList(), "jsorcRealApp");
        if (!cds.isEmpty()) {
            line("The same, each with an AppCDS archive of its own (made by one run of it with "
                    + "`-XX:ArchiveClassesAtExit`, then `-jvmArgsAppend -XX:SharedArchiveFile=...`):");
            line("");
            table(cds.stream().filter(r -> r.method().startsWith("jsorcRealAppStart")
                    || r.method().startsWith("springRealAppStart")).toList(), "jsorcRealAppStart (AppCDS)");
            table(cds.stream().filter(r -> r.method().startsWith("jsorcRealApp (")
                    || r.method().startsWith("springRealApp (")).toList(), "jsorcRealApp (AppCDS)");
        }
        Result start = find(app, "jsorcRealAppStart", null);
        if (start != null) {
            target("real app build + start <= 150 ms in a plain JVM",
                    String.format(Locale.ROOT, "%.1f ms", start.score()), start.score() <= 150);
        }
        Result floor = find(app, "librariesAloneStart", null);
        Result springStart = find(app, "springRealAppStart", null);
        if (start != null && floor != null && springStart != null) {
            line(String.format(Locale.ROOT, "- Above the floor (`librariesAloneStart`, %.1f ms): JsOrc %+.1f ms, "
                    + "Spring %+.1f ms", floor.score(), start.score() - floor.score(),
                    springStart.score() - floor.score()));
        }
        Result cdsStart = find(cds, "jsorcRealAppStart (AppCDS)", null);
        if (cdsStart != null) {
            line(String.format(Locale.ROOT, "- With the app's AppCDS archive: build + start %.1f ms (%s 150 ms)",
                    cdsStart.score(), cdsStart.score() <= 150 ? "within" : "over"));
        }
        line("");
    }

    private void actions(List<Result> t1, List<Result> t2) {
        line("## 6. Action calls");
        line("");
        line("`java -jar jsorc-bench/target/benchmarks.jar ActionCallBenchmark -t {1,2} -prof gc` (remote: SampleTime)");
        line("");
        if (t1.isEmpty()) {
            line("(not run)");
            line("");
            return;
        }
        List<Result> all = new ArrayList<>(t1);
        all.addAll(t2);
        line("| benchmark | threads | score | ± error | unit | p50 | p99 | B/op |");
        line("|---|---|---|---|---|---|---|---|");
        for (Result r : all) {
            line(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %s | %s | %s | %s |", r.size() == null
                    ? r.method() : r.method() + " (" + r.size() + ")", r.threads(),
                    r.score(), Double.isNaN(r.error()) ? 0.0 : r.error(), r.unit(),
                    r.p50() == null ? "" : String.format(Locale.ROOT, "%.1f", r.p50()),
                    r.p99() == null ? "" : String.format(Locale.ROOT, "%.1f", r.p99()),
                    r.allocation() == null ? "" : String.format(Locale.ROOT, "%.1f", r.allocation())));
        }
        line("");
        Result direct = find(t1, "directCall", null);
        Result local = find(t1, "localCall", null);
        Result remote = find(t1, "remoteCall", null);
        if (direct != null && local != null) {
            double overhead = local.score() - direct.score();
            target("local action call overhead <= 100 ns", String.format(Locale.ROOT, "%.1f ns", overhead),
                    overhead <= 100);
        }
        if (remote != null && remote.p50() != null) {
            double p50ms = remote.p50() / 1000.0;
            double p99ms = remote.p99() / 1000.0;
            target("remote p50 on loopback <= 0.2 ms", String.format(Locale.ROOT, "%.3f ms", p50ms), p50ms <= 0.2);
            target("remote p99 on loopback <= 1 ms", String.format(Locale.ROOT, "%.3f ms", p99ms), p99ms <= 1.0);
            if (remote.allocation() != null) {
                target("remote call <= 4 KB allocated per call (host side)", String.format(Locale.ROOT, "%.0f B",
                        remote.allocation()), remote.allocation() <= 4096);
            }
            Result remote2 = find(t2, "remoteCall", null);
            if (remote2 != null) {
                double perSecond = 2e6 / remote2.score();
                target(">= 4000 remote calls/s on 2 threads", String.format(Locale.ROOT, "%.0f", perSecond),
                        perSecond >= 4000);
            }
            line("- Remote calls/s: " + String.format(Locale.ROOT, "%.0f at 1 thread", 1e6 / remote.score())
                    + (remote2 == null ? "" : String.format(Locale.ROOT, ", %.0f at 2 threads", 2e6 / remote2.score())));
            Result echo = find(t1, "loopbackEcho", null);
            if (echo != null && echo.p50() != null) {
                line("");
                String p50 = String.format(Locale.ROOT, "remote/echo p50 ratio: %.2f", remote.p50() / echo.p50());
                String p99 = String.format(Locale.ROOT, "remote/echo p99 ratio: %.2f", remote.p99() / echo.p99());
                line(p50);
                line("");
                line(p99);
                System.out.println(p50);
                System.out.println(p99);
                line("");
                target("remote p50 <= 4x the loopback echo's", String.format(Locale.ROOT, "%.2fx", remote.p50()
                        / echo.p50()), remote.p50() / echo.p50() <= 4);
            }
        }
        line("");
    }

    /**
     * Section 8 comes from ReplicaOutageSimulation (minutes of its own, run by hand), not from this run: the section
     * of the report being replaced is carried over as it is.
     */
    private void replicasCarriedOver(Path out) throws IOException {
        carriedOver(out, "## 8. Replicas", "\n## ");
    }

    /**
     * Copies a part of the report being replaced, from {@code marker} up to {@code stop} (or its end), as it is:
     * what was measured by hand, not in this run.
     */
    private void carriedOver(Path out, String marker, String stop) throws IOException {
        String previous = Files.exists(out) ? Files.readString(out) : "";
        int start = previous.indexOf(marker);
        if (start < 0) {
            return;
        }
        int end = previous.indexOf(stop, start + marker.length());
        md.append(previous, start, end < 0 ? previous.length() : end + 1);
        if (end < 0) {
            line("");
        }
    }

    private void admin(List<Result> t1, List<Result> t2) {
        line("## 9. Admin API");
        line("");
        line("`java -jar jsorc-bench/target/benchmarks.jar AdminApiBenchmark -t {1,2} -prof gc`: a `config_get` "
                + "round trip on loopback (Jetty's HTTP client, kept-alive connection per thread; SampleTime)");
        line("");
        Result one = find(t1, "configGet", null);
        if (one == null || one.p50() == null) {
            line("(not run)");
            line("");
            return;
        }
        Result two = find(t2, "configGet", null);
        line("| threads | mean µs | p50 µs | p99 µs | requests/s | B/op |");
        line("|---|---|---|---|---|---|");
        for (Result r : two == null ? List.of(one) : List.of(one, two)) {
            line(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.0f | %s |", r.threads(), r.score(), r.p50(),
                    r.p99(), r.threads() * 1e6 / r.score(),
                    r.allocation() == null ? "" : String.format(Locale.ROOT, "%.0f", r.allocation())));
        }
        line("");
        double p50ms = one.p50() / 1000.0;
        target("admin config_get round trip p50 <= 1 ms", String.format(Locale.ROOT, "%.3f ms", p50ms), p50ms <= 1);
        line("");
    }

    @SuppressWarnings("unchecked")
    private void recovery(Path file) throws IOException {
        line("## 5. Recovery time after the dependency is back");
        line("");
        line("`java -cp jsorc-bench/target/benchmarks.jar io.jsorc.bench.RecoveryHarness` — a real `redis-server` is "
                + "killed (SIGKILL) and restarted on the same port after a random 0–3 s; measured from \"the server "
                + "accepts a TCP connection\" (polled every millisecond) to \"the redis service turned RUNNING\" (a "
                + "state listener); every trial first waits until the service noticed the outage.");
        line("");
        if (!Files.exists(file)) {
            line("(not run)");
            line("");
            return;
        }
        Map<String, Object> data = Json.parseObject(Files.readString(file), "recovery");
        line("Trials per loop: " + data.get("trials") + " (outage " + data.get("outage_ms") + ").");
        line("");
        line("| loop | p50 ms | p95 ms | max ms | mean ms |");
        line("|---|---|---|---|---|");
        for (String loop : List.of("event", "fixed")) {
            Map<String, Object> summary = (Map<String, Object>) data.get(loop);
            String name = loop.equals("event") ? "JsOrc (event trigger + backoff + probe)"
                    : "plain fixed-interval loop (backoff_interval 10 s)";
            line("| " + name + " | " + summary.get("p50_ms") + " | " + summary.get("p95_ms") + " | "
                    + summary.get("max_ms") + " | " + String.format(Locale.ROOT, "%.0f",
                    ((Number) summary.get("mean_ms")).doubleValue()) + " |");
        }
        line("");
        Map<String, Object> event = (Map<String, Object>) data.get("event");
        long p50 = ((Number) event.get("p50_ms")).longValue();
        target("recovery p50 <= 0.5 s", p50 + " ms", p50 <= 500);
        line("");
    }

    private void logShipping(List<Result> t1, List<Result> t2) {
        if (t1.isEmpty() && t2.isEmpty()) {
            return;
        }
        line("## 7. Log shipping: what a log call costs the caller");
        line("");
        line("`java -jar jsorc-bench/target/benchmarks.jar LogShippingBenchmark -t 1|2 -prof gc` — `drained`: a "
                + "consumer keeps up; `full`: nothing drains (Elasticsearch down), so each call also drops the oldest "
                + "record. No HTTP: the queue only.");
        line("");
        line("| benchmark | queue | threads | score | ± error | unit | B/op |");
        line("|---|---|---|---|---|---|---|");
        List<Result> all = new ArrayList<>(t1);
        all.addAll(t2);
        for (Result r : all) {
            line(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %s | %s |", r.method(), r.size(),
                    r.threads(), r.score(), Double.isNaN(r.error()) ? 0.0 : r.error(), r.unit(),
                    r.allocation() == null ? "" : String.format(Locale.ROOT, "%.0f", r.allocation())));
        }
        line("");
    }

    private void table(List<Result> results, String base) {
        line("| benchmark | threads | score | ± error | unit | B/op | peer ÷ " + base + " |");
        line("|---|---|---|---|---|---|---|");
        for (Result r : results) {
            Result reference = find(results, base, r.size(), r.threads());
            String relative = reference == null || r.method().equals(base) ? "" : ratio(r.score(), reference.score());
            line(String.format(Locale.ROOT, "| %s%s | %d | %.3f | %.3f | %s | %s | %s |", r.method(),
                    r.size() == null ? "" : " (" + r.size() + ")", r.threads(), r.score(),
                    Double.isNaN(r.error()) ? 0.0 : r.error(), r.unit(),
                    r.allocation() == null ? "" : String.format(Locale.ROOT, "%.1f", r.allocation()), relative));
        }
        line("");
    }

    private void target(String what, String measured, boolean met) {
        line("- Target " + what + ": measured " + measured + " — **" + (met ? "met" : "missed") + "**");
    }

    private static String ratio(double peer, double jsorc) {
        return String.format(Locale.ROOT, "%.1fx", peer / jsorc);
    }

    private static Result find(List<Result> results, String method, String size) {
        return results.stream().filter(r -> r.method().equals(method)
                && (size == null || size.equals(r.size()))).findFirst().orElse(null);
    }

    private static Result find(List<Result> results, String method, String size, int threads) {
        return results.stream().filter(r -> r.method().equals(method) && r.threads() == threads
                && (size == null || size.equals(r.size()))).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static List<Result> read(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Map<String, Object>> runs = Json.mapper().readValue(file.toFile(), new TypeReference<>() { });
        List<Result> results = new ArrayList<>();
        for (Map<String, Object> run : runs) {
            Map<String, Object> primary = (Map<String, Object>) run.get("primaryMetric");
            Map<String, Object> params = (Map<String, Object>) run.getOrDefault("params", new LinkedHashMap<>());
            Map<String, Object> secondary = (Map<String, Object>) run.getOrDefault("secondaryMetrics", Map.of());
            Map<String, Object> alloc = (Map<String, Object>) secondary.get("gc.alloc.rate.norm");
            Object error = primary.get("scoreError");
            results.add(new Result(String.valueOf(run.get("benchmark")), ((Number) run.get("threads")).intValue(),
                    params == null ? null : params.get("size") != null ? String.valueOf(params.get("size"))
                            : params.get("queue") != null ? String.valueOf(params.get("queue"))
                            : params.get("pair") == null ? null : String.valueOf(params.get("pair")),
                    ((Number) primary.get("score")).doubleValue(),
                    error instanceof Number n ? n.doubleValue() : Double.NaN,
                    String.valueOf(primary.get("scoreUnit")),
                    alloc == null ? null : ((Number) alloc.get("score")).doubleValue(),
                    percentile(primary, "50.0"), percentile(primary, "99.0")));
        }
        return results;
    }

    @SuppressWarnings("unchecked")
    private static Double percentile(Map<String, Object> primary, String p) {
        Object percentiles = primary.get("scorePercentiles");
        if (percentiles instanceof Map<?, ?> map && map.get(p) instanceof Number n
                && String.valueOf(primary.get("scoreUnit")).contains("/op")) {
            return n.doubleValue();
        }
        return null;
    }

    private void line(String text) {
        md.append(text).append('\n');
    }
}
