package io.jsorc.examples.actions;

import io.jsorc.Orchestrator;
import io.jsorc.action.ActionConfig;
import io.jsorc.action.ActionManager;
import io.jsorc.action.ActionMode;
import io.jsorc.base.Json;
import org.HdrHistogram.ConcurrentHistogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The load test: a synthetic application of three action modules of different cost and memory, driven by two client
 * threads for a given time under the placements {@code all_local}, {@code all_remote}, {@code Evaluation} and
 * {@code Adaptive}. Writes one JSON and one markdown result per policy:
 * request latencies (count, throughput, mean, p50–p99) and the action-level tracking (calls per action, placement
 * history).
 *
 * <p>Properties: {@code loadtest.seconds} per policy (default 30), {@code loadtest.out} (default target/loadtest).
 * The memory budget (1000 MB, JsOrc 100 MB, tokenizer 50, embedder 500, ranker 250) rules out all-local for the
 * policies, as on a small node.
 */
public final class LoadTest {

    private static final Map<String, Long> MEMORY = Map.of("tokenizer", 50L, "embedder", 500L, "ranker", 250L);

    private LoadTest() {
    }

    /**
     * Runs the load test under each placement and writes the results.
     *
     * @param args ignored (see the class comment for properties)
     * @throws Exception when the load test cannot run
     */
    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("loadtest.seconds", 30);
        Path out = Path.of(System.getProperty("loadtest.out", "target/loadtest"));
        Files.createDirectories(out);
        List<String> summary = new ArrayList<>();
        for (String policy : List.of("all_local", "all_remote", "Evaluation", "Adaptive")) {
            Map<String, Object> result = run(policy, seconds);
            Files.writeString(out.resolve(policy + ".json"), Json.write(result));
            Files.writeString(out.resolve(policy + ".md"), markdown(policy, result));
            @SuppressWarnings("unchecked")
            Map<String, Object> requests = (Map<String, Object>) result.get("requests");
            String line = String.format(Locale.ROOT, "%-11s %7s requests, %8.1f req/s, mean %7.2f ms, p99 %7.2f ms",
                    policy, requests.get("count"), requests.get("throughput"), requests.get("average"),
                    requests.get("99"));
            summary.add(line);
            System.out.println(line);
        }
        Files.write(out.resolve("summary.txt"), summary);
        System.out.println("results in " + out.toAbsolutePath());
    }

    private static Map<String, Object> run(String policy, int seconds) throws Exception {
        try (Orchestrator orchestrator = Orchestrator.builder().scanPackages()
                .config("REDIS_CONFIG", "{\"enabled\": false}").build()) {
            ActionManager actions = orchestrator.get("action_manager", ActionManager.class);
            actions.config("tokenizer", new ActionConfig(Tokenizer.class.getName(), null, MEMORY.get("tokenizer"),
                    Map.of()));
            actions.config("embedder", new ActionConfig(Embedder.class.getName(), null, MEMORY.get("embedder"),
                    Map.of()));
            actions.config("ranker", new ActionConfig(Ranker.class.getName(), null, MEMORY.get("ranker"), Map.of()));
            ActionMode mode = policy.equals("all_remote") ? ActionMode.REMOTE : ActionMode.LOCAL;
            for (String module : MEMORY.keySet()) {
                actions.load(module, mode);
            }
            for (String module : MEMORY.keySet()) {
                if (mode == ActionMode.REMOTE) {
                    actions.awaitReady(module, java.time.Duration.ofSeconds(60));
                }
            }
            if (policy.equals("Evaluation") || policy.equals("Adaptive")) {
                double phase = Math.max(1, seconds / 10.0);
                actions.policy(policy, Map.of("perf_phase", phase, "eval_phase", phase, "node_mem_mb", 1000,
                        "jsorc_mem_mb", 100, "tick_ms", 50));
            }
            ConcurrentHistogram latencies = new ConcurrentHistogram(3_600_000_000L, 3);
            AtomicBoolean stop = new AtomicBoolean();
            actions.trackActionsStart();
            long t0 = System.nanoTime();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                Thread client = new Thread(() -> drive(actions, latencies, stop), "loadtest-client-" + c);
                clients.add(client);
                client.start();
            }
            Thread.sleep(seconds * 1000L);
            stop.set(true);
            for (Thread client : clients) {
                client.join(60_000);
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("policy", policy);
            result.put("seconds", elapsed);
            Map<String, Object> requests = new LinkedHashMap<>();
            requests.put("count", latencies.getTotalCount());
            requests.put("throughput", latencies.getTotalCount() / elapsed);
            requests.put("average", latencies.getMean() / 1000.0);
            for (int p : new int[]{50, 90, 95, 99}) {
                requests.put(String.valueOf(p), latencies.getValueAtPercentile(p) / 1000.0);
            }
            result.put("requests", requests);
            result.put("policy_state", actions.policy());
            result.put("tracking", actions.trackActionsStop());
            result.put("final_placement", actions.status());
            return result;
        }
    }

    private static void drive(ActionManager actions, ConcurrentHistogram latencies, AtomicBoolean stop) {
        while (!stop.get()) {
            long start = System.nanoTime();
            request(actions);
            latencies.recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
        }
    }

    /**
     * Sends one request of the synthetic application (marked {@code walker_run/classify} for the benchmark): four
     * tokenizer calls, one embedding, two rankings.
     *
     * @param actions the action manager, the three modules loaded
     */
    static void request(ActionManager actions) {
        String text = "JsOrc moves action modules between the host and remote servers while the program runs";
        try (var request = actions.request("walker_run", "classify")) {
            Object tokens = actions.call("tokenizer.tokenize", text);
            for (int i = 0; i < 3; i++) {
                actions.call("tokenizer.tokenize", text + i);
            }
            Object vector = actions.call("embedder.embed", tokens);
            actions.call("ranker.rank", vector);
            actions.call("ranker.rank", vector);
        } catch (RuntimeException e) {
            System.err.println("request failed: " + e.getMessage());
        }
    }

    private static String markdown(String policy, Map<String, Object> result) {
        StringBuilder md = new StringBuilder("# Load test: " + policy + "\n\n");
        md.append("| requests | req/s | mean ms | p50 | p90 | p95 | p99 |\n|---|---|---|---|---|---|---|\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) result.get("requests");
        md.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", r.get("count"),
                r.get("throughput"), r.get("average"), r.get("50"), r.get("90"), r.get("95"), r.get("99")));
        md.append("\nFinal placement: ").append(result.get("final_placement")).append("\n\n");
        md.append("Policy: ").append(result.get("policy_state")).append("\n\n");
        md.append("Tracking (calls per action, placement history):\n\n```json\n")
                .append(Json.write(result.get("tracking"))).append("\n```\n");
        return md.toString();
    }
}
