package io.jsorc.services.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import io.jsorc.Service;
import io.jsorc.action.Action;
import io.jsorc.action.ActionConfig;
import io.jsorc.action.ActionManager;
import io.jsorc.action.ActionMode;
import io.jsorc.action.ActionModule;
import io.jsorc.manifest.ApplyReport;
import io.jsorc.metrics.MetricsEvents;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The shipped Grafana dashboard ({@code docs/grafana/jsorc-dashboard.json}) and Prometheus rules
 * ({@code docs/prometheus/jsorc-rules.yaml}) against the real thing: {@code promtool} checks and unit-tests the rules,
 * and a real {@code prometheus} scrapes the {@code metrics} service of an orchestrator that has done some work, loads
 * the rules, and must know every metric name both files use and evaluate every expression without error.
 */
class DashboardRulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What Grafana puts in place of its variables; the All value of every query variable is {@code .*}. */
    private static final Map<String, String> GRAFANA_VALUES = Map.of("__rate_interval", "1m", "__interval", "15s",
            "__range", "1h", "instance", ".*", "service", ".*", "module", ".*", "type", ".*");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\s*\\)");

    @Test
    void promtoolAcceptsTheRulesAndTheirUnitTestsPass() throws Exception {
        Path rules = docs().resolve("prometheus/jsorc-rules.yaml");
        assertThat(promtool("check", "rules", rules.toString())).contains("SUCCESS");
        // The alert scenarios: each alert fires on its case (e.g. FAILED for 6 min) and not before.
        assertThat(promtool("test", "rules", docs().resolve("prometheus/jsorc-rules-test.yaml").toString()))
                .contains("SUCCESS");
    }

    @Test
    void theDashboardIsAGrafanaExportWithOneDatasourceInput() throws IOException {
        JsonNode dashboard = JSON.readTree(docs().resolve("grafana/jsorc-dashboard.json").toFile());
        assertThat(dashboard.path("__inputs")).singleElement().satisfies(input -> {
            assertThat(input.path("name").asText()).isEqualTo("DS_PROMETHEUS");
            assertThat(input.path("type").asText()).isEqualTo("datasource");
            assertThat(input.path("pluginId").asText()).isEqualTo("prometheus");
        });
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        assertThat(dashboard.path("title").asText()).isEqualTo("JsOrc");
        Set<Integer> ids = new LinkedHashSet<>();
        for (JsonNode panel : panels(dashboard)) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel id %s is unique", panel.path("id")).isTrue();
            assertThat(panel.path("gridPos").path("w").asInt()).as("width of %s", panel.path("title")).isPositive();
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText())
                        .isEqualTo("${DS_PROMETHEUS}");
                assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty()
                        .allSatisfy(t -> assertThat(t.path("expr").asText()).isNotBlank());
            }
        }
        assertThat(ids).hasSizeGreaterThan(10);
    }

    @Test
    void theExtractorFindsSeriesNamesAndLabelsButNotFunctionsOrDurations() {
        String expr = "histogram_quantile(0.99, sum by (module, le) (rate(jsorc_x_seconds_bucket{mode=~\"a(b)\"}[5m])))"
                + " / on (job) group_left count without (x) (up offset 1m) > bool 1e3 or vector(0) and level:rec:rate5m";
        assertThat(PromQl.metricNames(expr)).containsExactly("jsorc_x_seconds_bucket", "up", "level:rec:rate5m");
        assertThat(PromQl.labelNames(expr)).containsExactlyInAnyOrder("module", "le", "mode", "job", "x");
    }

    @Test
    void everyNameIsScrapedAndEveryExpressionEvaluatesInARealPrometheus() throws Exception {
        Path rulesFile = docs().resolve("prometheus/jsorc-rules.yaml");
        Rules rules = Rules.read(rulesFile);
        Map<String, String> panelExprs = grafanaExpressions(JSON.readTree(docs()
                .resolve("grafana/jsorc-dashboard.json").toFile()));
        Map<String, String> variableSelectors = new LinkedHashMap<>();
        Map<String, String> variableLabels = new LinkedHashMap<>();
        variables(JSON.readTree(docs().resolve("grafana/jsorc-dashboard.json").toFile()), variableSelectors,
                variableLabels);
        Flaky.ATTEMPTS.set(0);

        long t0 = System.nanoTime();
        try (Orchestrator orchestrator = Orchestrator.builder().register(Flaky.class, Broken.class)
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("FLAKY_CONFIG", "{\"enabled\": true, \"automated\": true}")
                .config("BROKEN_CONFIG", "{\"enabled\": true, \"automated\": true, \"quiet\": true}")
                .config("METRICS_CONFIG", "{\"enabled\": true, \"host\": \"127.0.0.1\", \"port\": 0}")
                .build()) {
            MetricsService metrics = orchestrator.svc("metrics", MetricsService.class);
            assertThat(metrics.isRunning()).as(String.valueOf(metrics.error())).isTrue();
            work(orchestrator);
            try (RuledPrometheus prometheus = new RuledPrometheus("127.0.0.1:" + metrics.port(), rulesFile)) {
                System.out.printf("orchestrator worked and prometheus is ready after %d ms%n", millis(t0));
                // A second round once the first scrape is in, so rates and quantiles have something to show.
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                        !prometheus.query("jsorc_service_state").path("data").path("result").isEmpty());
                work(orchestrator);

                Map<String, Set<String>> scraped = scrapedLabels(prometheus);
                System.out.printf("prometheus scraped %d jsorc series names: %s%n", scraped.size(), scraped.keySet());

                // Every name the files select is in the scrape, or is a series the rules file records.
                Map<String, String> everything = new LinkedHashMap<>(panelExprs);
                variableSelectors.forEach((name, selector) -> everything.put("variable " + name, selector));
                rules.exprs().forEach((name, expr) -> everything.put("rule " + name, expr));
                Set<String> used = new TreeSet<>();
                everything.forEach((where, expr) -> {
                    Set<String> names = PromQl.metricNames(expr);
                    assertThat(names).as("series names in %s: %s", where, expr).isNotEmpty();
                    for (String name : names) {
                        if (!rules.recorded().contains(name)) {
                            used.add(name);
                            assertThat(scraped).as("%s uses %s", where, name).containsKey(name);
                        }
                    }
                    Set<String> known = new TreeSet<>(Set.of("job", "instance"));
                    names.stream().map(scraped::get).filter(java.util.Objects::nonNull).forEach(known::addAll);
                    if (names.stream().noneMatch(rules.recorded()::contains)) {
                        assertThat(known).as("labels of %s: %s", where, expr).containsAll(PromQl.labelNames(expr));
                    }
                });
                variableLabels.forEach((name, label) -> assertThat(scraped.get(PromQl.metricNames(
                        variableSelectors.get(name)).iterator().next())).as("variable %s", name).contains(label));
                System.out.printf("metric names used by the dashboard and rules: %s%n", used);
                assertThat(used).contains("jsorc_service_state", "jsorc_service_transitions_total",
                        "jsorc_regeneration_seconds_count", "jsorc_manifest_apply_total",
                        "jsorc_action_calls_seconds_bucket", "jsorc_requests_seconds_bucket",
                        "jsorc_logs_dropped_total");

                // Every expression evaluates; the dashboard's panels also show data for an orchestrator that worked.
                everything.forEach((where, expr) -> assertEvaluates(prometheus, where, expr));
                Map<String, String> empty = new LinkedHashMap<>();
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    empty.clear();
                    for (Map.Entry<String, String> panel : panelExprs.entrySet()) {
                        if (prometheus.query(panel.getValue()).path("data").path("result").isEmpty()) {
                            empty.put(panel.getKey(), panel.getValue());
                        }
                    }
                    assertThat(empty).as("panels without data").isEmpty();
                });
                assertRulesHealthy(prometheus, rules);
                System.out.printf("%d panel targets, %d variables and %d rules checked; %d ms in all%n",
                        panelExprs.size(), variableSelectors.size(), rules.exprs().size(), millis(t0));
            }
        }
    }

    /** Services that start, fail and regenerate; action calls and a marked request; a manifest apply; drops. */
    private static void work(Orchestrator orchestrator) {
        assertThat(orchestrator.svc("probe").isRunning()).isTrue();
        assertThat(orchestrator.svc("broken").state()).as(String.valueOf(orchestrator.svc("broken").error())).isEqualTo(io.jsorc.ServiceState.FAILED);
        orchestrator.svc("flaky");
        orchestrator.regenerate();
        orchestrator.regenerate();

        ActionManager actions = orchestrator.get("action_manager", ActionManager.class);
        if (!actions.status().containsKey("board")) {
            actions.config("board", ActionConfig.of(Board.class));
            actions.load("board", ActionMode.LOCAL);
        }
        assertThat(actions.call("board.add", 1, 2)).isEqualTo(3);
        assertThatThrownBy(() -> actions.call("board.fail", "on purpose"));
        try (var request = actions.request("checkout", "small")) {
            actions.call("board.add", 3, 4);
        }

        MetricsEvents events = MetricsEvents.of(orchestrator);
        events.applied(new ApplyReport("redis", List.of(
                new ApplyReport.Entry("apps/v1", "Deployment", "default", "redis", ApplyReport.Action.CREATED, null),
                new ApplyReport.Entry("v1", "Service", "default", "redis", ApplyReport.Action.FAILED, "refused"))));
        events.dropped(new MetricsEvents.LogsDropped("jsorc-logs", 3));
    }

    private static void assertEvaluates(RuledPrometheus prometheus, String where, String expr) {
        try {
            JsonNode answer = prometheus.query(expr);
            assertThat(answer.path("status").asText()).as("%s: %s -> %s", where, expr, answer).isEqualTo("success");
            assertThat(answer.path("warnings")).as("%s: %s -> %s", where, expr, answer).isEmpty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Prometheus loaded every rule of the file, and each one evaluated without error. */
    private static void assertRulesHealthy(RuledPrometheus prometheus, Rules rules) {
        List<String> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            seen.clear();
            for (JsonNode group : prometheus.get("/api/v1/rules").path("data").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    assertThat(rule.path("health").asText()).as("%s: %s", rule.path("name"), rule.path("lastError"))
                            .isEqualTo("ok");
                    seen.add(rule.path("name").asText());
                }
            }
            assertThat(seen).containsExactlyInAnyOrderElementsOf(rules.exprs().keySet());
        });
    }

    /** {@return per series name the prometheus stored, the label names its series carry} */
    private static Map<String, Set<String>> scrapedLabels(RuledPrometheus prometheus) throws Exception {
        JsonNode answer = prometheus.get("/api/v1/series?match%5B%5D=%7B__name__%3D~%22jsorc_.*%22%7D");
        assertThat(answer.path("status").asText()).as(answer.toString()).isEqualTo("success");
        Map<String, Set<String>> labels = new java.util.TreeMap<>();
        for (JsonNode series : answer.path("data")) {
            Set<String> names = labels.computeIfAbsent(series.path("__name__").asText(), n -> new TreeSet<>());
            series.fieldNames().forEachRemaining(names::add);
        }
        return labels;
    }

    /** {@return every panel target's expression, keyed by panel title and refId, variables replaced} */
    private static Map<String, String> grafanaExpressions(JsonNode dashboard) {
        Map<String, String> exprs = new LinkedHashMap<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                exprs.put("panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
                        substitute(target.path("expr").asText()));
            }
        }
        assertThat(exprs).isNotEmpty();
        return exprs;
    }

    /** Reads the query variables' {@code label_values(selector, label)}: the selector and the label, per variable. */
    private static void variables(JsonNode dashboard, Map<String, String> selectors, Map<String, String> labels) {
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (!variable.path("type").asText().equals("query")) {
                continue;
            }
            String query = variable.path("query").path("query").asText(variable.path("query").asText());
            Matcher m = LABEL_VALUES.matcher(query);
            assertThat(m.matches()).as("variable %s: %s", variable.path("name"), query).isTrue();
            selectors.put(variable.path("name").asText(), substitute(m.group(1)));
            labels.put(variable.path("name").asText(), m.group(2));
        }
        assertThat(selectors).isNotEmpty();
    }

    private static String substitute(String expr) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = GRAFANA_VALUES.get(name);
            assertThat(value).as("a value for $%s in %s", name, expr).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            all.add(panel);
            panel.path("panels").forEach(all::add); // a collapsed row holds its panels
        }
        return all;
    }

    /** The rules file: every rule's expression (by record or alert name) and the names it records. */
    private record Rules(Map<String, String> exprs, Set<String> recorded) {

        @SuppressWarnings("unchecked")
        static Rules read(Path file) throws IOException {
            Map<String, Object> root = new Yaml().load(Files.readString(file));
            Map<String, String> exprs = new LinkedHashMap<>();
            Set<String> recorded = new LinkedHashSet<>();
            for (Map<String, Object> group : (List<Map<String, Object>>) root.get("groups")) {
                for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                    String name = (String) (rule.containsKey("record") ? rule.get("record") : rule.get("alert"));
                    if (rule.containsKey("record")) {
                        recorded.add(name);
                    }
                    assertThat(exprs.put(name, String.valueOf(rule.get("expr")))).as("rule %s twice", name).isNull();
                }
            }
            assertThat(recorded).isNotEmpty();
            assertThat(exprs.keySet()).contains("JsOrcServiceFailed", "JsOrcRegenerationFailing", "JsOrcLogsDropped");
            return new Rules(exprs, recorded);
        }
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(RuledPrometheus.binary("promtool"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes(); // promtool prints little; read to the end
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("promtool " + String.join(" ", args) + " did not finish in 30 s");
        }
        String text = new String(output, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("promtool %s:%n%s", String.join(" ", args), text).isZero();
        return text;
    }

    /** The repository's {@code docs} directory, found upwards from the module directory the build runs in. */
    private static Path docs() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/prometheus/jsorc-rules.yaml"))) {
                return dir.resolve("docs");
            }
        }
        throw new IllegalStateException("docs/prometheus/jsorc-rules.yaml not found above " + Path.of("")
                .toAbsolutePath());
    }

    private static long millis(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    /** Fails its first two builds, then runs: a service that regeneration brings back. */
    @Service(name = "flaky", config = "FLAKY_CONFIG")
    public static class Flaky extends CommonService<String> {
        static final AtomicInteger ATTEMPTS = new AtomicInteger();

        @Override
        protected String run() {
            if (ATTEMPTS.incrementAndGet() <= 2) {
                throw new IllegalStateException("attempt " + ATTEMPTS.get() + " fails");
            }
            return "up";
        }
    }

    /** Never starts: a service that stays FAILED, whatever regeneration does. */
    @Service(name = "broken", config = "BROKEN_CONFIG")
    public static class Broken extends CommonService<String> {
        @Override
        protected String run() {
            throw new IllegalStateException("always broken");
        }
    }

    /** An action module run in-process, so action calls are measured by module and placement. */
    @ActionModule("board")
    public static class Board {
        /** Adds. */
        @Action
        public int add(int a, int b) {
            return a + b;
        }

        /** Always throws, for the error outcome. */
        @Action
        public String fail(String why) {
            throw new IllegalStateException(why);
        }
    }
}
