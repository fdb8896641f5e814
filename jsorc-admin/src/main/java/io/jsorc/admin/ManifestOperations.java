package io.jsorc.admin;

import io.jsorc.CommonService;
import io.jsorc.manifest.ApplyReport;
import io.jsorc.manifest.Manifest;
import io.jsorc.metrics.MetricsEvents;
import io.jsorc.operate.OperatorContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The manifest operations: {@code apply_yaml} (a service's manifest, stored and re-applied by the regeneration
 * loop; with a running kube service the answer is the apply report) and {@code load_yaml} (free-standing resources,
 * applied now; 409 without a running kube service).
 */
final class ManifestOperations {

    /** How long {@code apply_yaml} waits for the regeneration loop's apply report when a kube service runs. */
    static final Duration APPLY_WAIT = Duration.ofSeconds(30);

    private final OperatorContext operator;

    ManifestOperations(OperatorContext operator) {
        this.operator = operator;
    }

    void addTo(OperationTable table) {
        table.add("apply_yaml", this::applyYaml).add("load_yaml", this::loadYaml);
    }

    private Map<String, Object> applyYaml(Params params) throws InterruptedException {
        String given = params.text("name");
        String service = owner(given);
        String key = operator.manifestKeyOf(service).orElseThrow(() -> AdminException.badRequest("Service '"
                + service + "' declares no manifest key; it cannot take a manifest"));
        String yaml = params.text("yaml", params.text("file", null));
        if (yaml == null) {
            throw AdminException.badRequest("apply_yaml needs the YAML: a multipart part 'file', or the JSON "
                    + "parameter 'yaml'");
        }
        boolean kube = kubeRunning();
        CompletableFuture<ApplyReport> applied = new CompletableFuture<>();
        MetricsEvents.Subscription subscription = kube ? MetricsEvents.of(operator.components())
                .onApply(report -> {
                    if (key.equals(report.key())) {
                        applied.complete(report);
                    }
                }) : null;
        try {
            try {
                operator.applyYaml(service, yaml, params.text("unsafe_paraphrase", null));
            } catch (IllegalArgumentException e) {
                throw AdminException.badRequest("Manifest " + key + " was not stored: " + e.getMessage());
            }
            Map<String, Object> answer = ConfigOperations.success("Manifest " + key + " stored");
            answer.put("key", key);
            if (!kube) {
                answer.put("message", "Manifest " + key + " stored; no kube service runs, so it is applied when one "
                        + "does");
                Manifest stored = operator.configStore().manifest(key);
                answer.put("manifest", stored.resources());
                return answer;
            }
            try {
                ApplyReport report = applied.get(APPLY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                answer.putAll(report(report));
            } catch (TimeoutException e) {
                answer.put("message", "Manifest " + key + " stored; the regeneration loop has not applied it within "
                        + APPLY_WAIT.toSeconds() + " s (see service_info " + service + ")");
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
            return answer;
        } finally {
            if (subscription != null) {
                subscription.close();
            }
        }
    }

    /** The service a name stands for: a service with a manifest, or the owner of a manifest key. */
    private String owner(String name) {
        if (operator.serviceNames().contains(name)) {
            return name;
        }
        for (String service : operator.serviceNames()) {
            if (operator.manifestKeyOf(service).filter(name::equals).isPresent()) {
                return service;
            }
        }
        List<String> keys = new ArrayList<>();
        operator.serviceNames().forEach(s -> operator.manifestKeyOf(s).ifPresent(keys::add));
        throw AdminException.notFound("No service or manifest key '" + name + "'; manifest keys: " + keys);
    }

    private boolean kubeRunning() {
        Optional<CommonService<?>> kube = operator.serviceNames().contains("kube") ? operator.current("kube")
                : Optional.empty();
        return kube.isPresent() && kube.get().isRunning();
    }

    private Map<String, Object> loadYaml(Params params) {
        List<String> files = params.texts("files");
        if (files.isEmpty()) {
            files = params.texts("yaml");
        }
        if (files.isEmpty()) {
            throw AdminException.badRequest("load_yaml needs 'files': multipart parts, or a JSON array of YAML texts");
        }
        String namespace = params.text("namespace", null);
        if (!kubeRunning()) {
            throw AdminException.conflict("load_yaml needs a running kube service (KUBE_CONFIG enabled, cluster "
                    + "reachable); it is " + operator.current("kube").map(s -> s.state().name())
                    .orElse(operator.serviceNames().contains("kube") ? "NOT_STARTED" : "not on the class path"));
        }
        ApplyReport report;
        try {
            report = operator.loadYaml(String.join("\n---\n", files), namespace);
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest("Nothing was loaded: " + e.getMessage());
        } catch (IllegalStateException e) {
            throw AdminException.conflict(e.getMessage());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", report.ok());
        answer.putAll(report(report));
        return answer;
    }

    static Map<String, Object> report(ApplyReport report) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", report.ok());
        List<Map<String, Object>> resources = new ArrayList<>();
        for (ApplyReport.Entry entry : report.entries()) {
            Map<String, Object> resource = new LinkedHashMap<>();
            resource.put("kind", entry.kind());
            resource.put("namespace", entry.namespace());
            resource.put("name", entry.name());
            resource.put("action", entry.action().name().toLowerCase(Locale.ROOT).replace("kept_protected", "kept"));
            resource.put("error", entry.error());
            resources.add(resource);
        }
        answer.put("resources", resources);
        Map<String, Integer> counts = new LinkedHashMap<>();
        report.counts().forEach((action, count) -> counts.put(action.name().toLowerCase(Locale.ROOT), count));
        answer.put("counts", counts);
        return answer;
    }
}
