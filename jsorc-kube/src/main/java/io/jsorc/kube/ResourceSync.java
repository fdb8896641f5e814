package io.jsorc.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jsorc.manifest.Manifest;
import io.jsorc.config.Hook;
import io.jsorc.base.Json;
import io.jsorc.manifest.ApplyReport;
import io.jsorc.manifest.ApplyReport.Action;
import io.jsorc.manifest.ApplyReport.Entry;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.options.PatchOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Reconciles a cluster toward a manifest, idempotently (the model is {@code kubectl apply}).
 *
 * <p>Each document gets the label {@value #VERSION_LABEL}: a hash of its resolved content, so applying the same
 * manifest twice sends nothing. A missing resource is created; one with another version is updated with server-side
 * apply (field manager {@value #FIELD_MANAGER}), falling back to a JSON merge patch of the desired document when the
 * server does not support it (415/422 and the like); one with the same version is left alone. The resources applied
 * last time for a key are kept in the hook ({@value #HISTORY_KEY}, newest first, {@value #HISTORY_DEPTH} deep): one
 * that is gone from the manifest is deleted — except kinds that hold data ({@link KubeResources#DATA_KINDS}), which
 * are deleted only when the manifest carries the unsafe paraphrase exactly ({@value #UNSAFE_PARAPHRASE}) and are
 * otherwise kept and reported. A failure on one resource does not stop the others.
 *
 * <p>Right before every write (create, update, delete) it asks whether it may still write ({@code mayWrite}: the
 * leader lease is still held); once refused it writes nothing more in this apply, and reports each resource it
 * skipped as {@link Action#FAILED} with {@value #NOT_LEADER}.
 */
public final class ResourceSync {

    /** Label holding the hash of a document's content. */
    public static final String VERSION_LABEL = "config_version";
    /** Server-side apply field manager. */
    public static final String FIELD_MANAGER = "jsorc";
    /** Hook key of the applied-resources history. */
    public static final String HISTORY_KEY = "RESOLVED_MANIFEST_HISTORY";
    /** How many applies per key the history keeps. */
    public static final int HISTORY_DEPTH = 5;
    /** The phrase that allows deleting data-holding resources. */
    public static final String UNSAFE_PARAPHRASE = "I know what I'm doing!";
    /** The detail of a write skipped because this replica no longer holds the leader lease. */
    public static final String NOT_LEADER = "not sent: this replica does not hold the leader lease";

    private static final Logger log = LoggerFactory.getLogger(ResourceSync.class);
    private static final ObjectMapper CANONICAL = Json.mapper().copy()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final KubeResources resources;
    private final ManifestResolver resolver;
    private final ApplyHistory history;
    private final ResourceReadiness readiness;
    private final BooleanSupplier mayWrite;
    private boolean refused;

    /**
     * Builds an applier that talks to one cluster and always writes.
     *
     * @param client      the API client
     * @param hook        where the history is kept ({@code null}: no history, so nothing is ever deleted)
     * @param environment environment lookup for {@code <SERVICE>_NAMESPACE}
     */
    public ResourceSync(ApiClient client, Hook hook, Function<String, String> environment) {
        this(client, hook, environment, () -> true);
    }

    /**
     * Builds an applier that talks to one cluster and asks before every write.
     *
     * @param client      the API client
     * @param hook        where the history is kept ({@code null}: no history, so nothing is ever deleted)
     * @param environment environment lookup for {@code <SERVICE>_NAMESPACE}
     * @param mayWrite    asked right before each write; {@code false} (the leader lease is lost) stops writing
     */
    public ResourceSync(ApiClient client, Hook hook, Function<String, String> environment, BooleanSupplier mayWrite) {
        this.mayWrite = mayWrite;
        this.resources = new KubeResources(client);
        this.resolver = new ManifestResolver(resources, environment);
        this.history = hook == null ? null : new ApplyHistory(hook);
        this.readiness = new ResourceReadiness(resources);
    }

    /**
     * Resolves a manifest into the documents an apply sends, in apply order.
     *
     * @param manifest  the manifest
     * @param service   its service, or {@code null}
     * @param namespace the kube namespace
     * @return the documents as they are applied (namespaces and placeholders resolved, version label set)
     */
    public List<Map<String, Object>> resolve(Manifest manifest, String service, String namespace) {
        List<Map<String, Object>> documents = new ArrayList<>(resolver.resolve(manifest, service, namespace));
        documents.sort(Comparator.comparingInt(ResourceSync::order));
        documents.forEach(ResourceSync::label);
        return documents;
    }

    /**
     * Applies a service's manifest and deletes what an earlier apply of the same key created and the manifest no
     * longer has.
     *
     * @param key       the manifest key (history is per key)
     * @param service   the service, or {@code null}
     * @param manifest  the manifest
     * @param namespace the kube namespace
     * @return what was done, per resource
     * @throws IllegalArgumentException when a placeholder cannot be resolved (nothing is sent then)
     */
    public ApplyReport apply(String key, String service, Manifest manifest, String namespace) {
        List<Map<String, Object>> documents = resolve(manifest, service, namespace);
        List<Entry> entries = new ArrayList<>(ensureNamespaces(documents));
        Set<ResourceRef> current = new LinkedHashSet<>();
        for (Map<String, Object> document : documents) {
            Entry entry = applyOne(document);
            entries.add(entry);
            current.add(ResourceRef.of(entry));
        }
        if (history != null) {
            boolean unsafe = manifest.unsafeParaphrase().map(UNSAFE_PARAPHRASE::equals).orElse(false);
            Set<ResourceRef> kept = new LinkedHashSet<>();
            for (ResourceRef previous : history.previous(key)) {
                if (current.contains(previous)) {
                    continue;
                }
                Entry entry = deleteOne(previous, unsafe);
                entries.add(entry);
                if (entry.action() == Action.KEPT_PROTECTED || entry.action() == Action.FAILED) {
                    kept.add(previous); // still ours: a later apply may delete it
                }
            }
            Set<ResourceRef> remembered = new LinkedHashSet<>(current);
            remembered.addAll(kept);
            if (!refused) {
                history.remember(key, remembered); // a follower's history write could undo the leader's
            }
        }
        ApplyReport report = new ApplyReport(key, entries);
        log.debug("Applied {}", report);
        return report;
    }

    /**
     * Applies resources that belong to no service: no history, nothing deleted.
     *
     * @param manifest  the resources
     * @param namespace the namespace for namespaced resources
     * @return what was done, per resource
     */
    public ApplyReport load(Manifest manifest, String namespace) {
        List<Map<String, Object>> documents = resolve(manifest, null, namespace);
        List<Entry> entries = new ArrayList<>(ensureNamespaces(documents));
        documents.forEach(document -> entries.add(applyOne(document)));
        return new ApplyReport("loadYaml:" + namespace, entries);
    }

    /**
     * Lists the applied workloads that are not ready: Deployments ({@code availableReplicas >= replicas}),
     * StatefulSets ({@code readyReplicas >= replicas}), DaemonSets ({@code numberReady >= desiredNumberScheduled}),
     * Pods (Running and Ready) and Services with a selector (an Endpoints object with addresses).
     *
     * @param documents resolved documents ({@link #resolve})
     * @return one line per resource that is not ready (empty: all ready)
     */
    public List<String> notReady(List<Map<String, Object>> documents) {
        return readiness.notReady(documents);
    }

    /**
     * Polls {@link #notReady} with backoff (100 ms doubling to 5 s) until everything is ready or the timeout passes.
     * The regeneration loop does not use this (it asks once per cycle); it is for hosts that apply and wait.
     *
     * @param documents resolved documents
     * @param timeout   how long to wait
     * @return what is still not ready (empty: all ready)
     * @throws InterruptedException when interrupted
     */
    public List<String> awaitReady(List<Map<String, Object>> documents, Duration timeout)
            throws InterruptedException {
        return readiness.awaitReady(documents, timeout);
    }

    /**
     * Says, without writing, what of a manifest is not in the cluster as this replica's manifest describes it, or not
     * ready: what a follower waits for while the leader applies.
     *
     * @param documents resolved documents ({@link #resolve})
     * @return one line per resource that is missing, carries another version, or is not ready (empty: all there)
     */
    public List<String> missingOrNotReady(List<Map<String, Object>> documents) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> document : documents) {
            ResourceRef ref = ResourceRef.of(document);
            try {
                KubernetesApiResponse<DynamicKubernetesObject> existing =
                        ref.get(resources.api(ref.apiVersion(), ref.kind()));
                if (existing.getHttpStatusCode() == 404) {
                    problems.add(ref + " is not there yet");
                } else if (!existing.isSuccess()) {
                    problems.add(ref + " could not be read: " + KubeResources.describe(existing));
                } else {
                    String live = labelOf(KubeResources.toMap(existing.getObject()));
                    String wanted = version(document);
                    if (!wanted.equals(live)) {
                        problems.add(ref + " has version " + live + ", this replica's manifest " + wanted);
                    }
                }
            } catch (RuntimeException e) {
                problems.add(ref + ": " + describe(e));
            }
        }
        if (problems.isEmpty()) {
            problems.addAll(notReady(documents));
        }
        return problems;
    }

    /** Asks before a write; once refused, refuses for the rest of this applier's life (one apply). */
    private boolean writeAllowed() {
        if (refused) {
            return false;
        }
        if (!mayWrite.getAsBoolean()) {
            refused = true;
            log.info("Stopped writing to the cluster: this replica does not hold the leader lease");
            return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ apply one

    private Entry applyOne(Map<String, Object> document) {
        ResourceRef ref = ResourceRef.of(document);
        try {
            DynamicKubernetesApi api = resources.api(ref.apiVersion(), ref.kind());
            KubernetesApiResponse<DynamicKubernetesObject> existing = ref.get(api);
            if (existing.getHttpStatusCode() == 404) {
                if (!writeAllowed()) {
                    return ref.entry(Action.FAILED, NOT_LEADER);
                }
                KubernetesApiResponse<DynamicKubernetesObject> created = KubeResources.call(() -> api.create(KubeResources.toObject(document)));
                if (created.isSuccess()) {
                    return ref.entry(Action.CREATED, null);
                }
                if (created.getHttpStatusCode() != 409) {
                    return ref.entry(Action.FAILED, "create: " + KubeResources.describe(created));
                }
                existing = ref.get(api); // created meanwhile by someone else: update it instead
            }
            if (!existing.isSuccess()) {
                return ref.entry(Action.FAILED, "read: " + KubeResources.describe(existing));
            }
            String version = version(document);
            if (version.equals(labelOf(KubeResources.toMap(existing.getObject())))) {
                return ref.entry(Action.UNCHANGED, null);
            }
            if (!writeAllowed()) {
                return ref.entry(Action.FAILED, NOT_LEADER);
            }
            return update(api, ref, document, existing.getObject());
        } catch (RuntimeException e) {
            return ref.entry(Action.FAILED, describe(e));
        }
    }

    private Entry update(DynamicKubernetesApi api, ResourceRef ref, Map<String, Object> document,
                         DynamicKubernetesObject existing) {
        String body = Json.write(document);
        KubernetesApiResponse<DynamicKubernetesObject> applied = ref.patch(api, V1Patch.PATCH_FORMAT_APPLY_YAML,
                body, new PatchOptions().fieldManager(FIELD_MANAGER).force(true));
        if (applied.isSuccess()) {
            return ref.entry(Action.UPDATED, null);
        }
        int code = applied.getHttpStatusCode();
        if (!serverSideApplyUnsupported(applied)) {
            return ref.entry(Action.FAILED, "server-side apply: " + KubeResources.describe(applied));
        }
        // No server-side apply here: replace the object with the desired document (on the version we read), so
        // fields removed from the manifest are removed from the object too — a merge patch would keep them.
        Map<String, Object> replacement = Json.parseObject(Json.write(document), "document");
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) replacement.get("metadata");
        Map<String, Object> live = KubeResources.toMap(existing);
        Object resourceVersion = Documents.path(live, "metadata", "resourceVersion");
        if (resourceVersion != null) {
            metadata.put("resourceVersion", resourceVersion);
        }
        if (live.get("status") != null) {
            replacement.put("status", live.get("status"));
        }
        KubernetesApiResponse<DynamicKubernetesObject> replaced =
                KubeResources.call(() -> api.update(KubeResources.toObject(replacement)));
        return replaced.isSuccess() ? ref.entry(Action.UPDATED, null)
                : ref.entry(Action.FAILED, "replace (server-side apply answered " + code + "): "
                + KubeResources.describe(replaced));
    }

    /**
     * 415 (the patch type is unknown) is the answer of a server without server-side apply; the test server answers
     * 422 or 404 with a message about the patch type. A genuine validation error (422 about the object) must not be
     * hidden by a fallback.
     */
    private static boolean serverSideApplyUnsupported(KubernetesApiResponse<?> response) {
        int code = response.getHttpStatusCode();
        if (code == 415 || code == 405) {
            return true;
        }
        String message = String.valueOf(response.getStatus() == null ? "" : response.getStatus().getMessage())
                .toLowerCase(java.util.Locale.ROOT);
        return (code == 404 || code == 422 || code == 400) && (message.contains("patch") || message.isBlank()
                || message.contains("apply") || message.contains("not found") || message.contains("unsupported"));
    }

    private Entry deleteOne(ResourceRef ref, boolean unsafe) {
        if (KubeResources.DATA_KINDS.contains(ref.kind()) && !unsafe) {
            return ref.entry(Action.KEPT_PROTECTED, ref.kind() + " holds data: it is deleted only when the manifest "
                    + "carries the unsafe paraphrase");
        }
        if (!writeAllowed()) {
            return ref.entry(Action.FAILED, NOT_LEADER);
        }
        try {
            DynamicKubernetesApi api = resources.api(ref.apiVersion(), ref.kind());
            KubernetesApiResponse<DynamicKubernetesObject> deleted = KubeResources.call(() -> ref.namespace() == null
                    ? api.delete(ref.name()) : api.delete(ref.namespace(), ref.name()));
            if (deleted.isSuccess() || deleted.getHttpStatusCode() == 404) {
                return ref.entry(Action.DELETED, deleted.getHttpStatusCode() == 404 ? "already gone" : null);
            }
            return ref.entry(Action.FAILED, "delete: " + KubeResources.describe(deleted));
        } catch (RuntimeException e) {
            return ref.entry(Action.FAILED, describe(e));
        }
    }

    private List<Entry> ensureNamespaces(List<Map<String, Object>> documents) {
        Set<String> declared = new LinkedHashSet<>();
        Set<String> needed = new LinkedHashSet<>();
        for (Map<String, Object> document : documents) {
            ResourceRef ref = ResourceRef.of(document);
            if (ref.kind().equals("Namespace")) {
                declared.add(ref.name());
            } else if (ref.namespace() != null) {
                needed.add(ref.namespace());
            }
        }
        needed.removeAll(declared);
        List<Entry> entries = new ArrayList<>();
        DynamicKubernetesApi namespaces = resources.api("v1", "Namespace");
        for (String namespace : needed) {
            ResourceRef ref = new ResourceRef("v1", "Namespace", null, namespace);
            try {
                KubernetesApiResponse<DynamicKubernetesObject> existing =
                        KubeResources.call(() -> namespaces.get(namespace));
                if (existing.getHttpStatusCode() == 404) {
                    if (!writeAllowed()) {
                        entries.add(ref.entry(Action.FAILED, NOT_LEADER));
                        continue;
                    }
                    Map<String, Object> document = new LinkedHashMap<>();
                    document.put("apiVersion", "v1");
                    document.put("kind", "Namespace");
                    document.put("metadata", Map.of("name", namespace));
                    KubernetesApiResponse<DynamicKubernetesObject> created =
                            KubeResources.call(() -> namespaces.create(KubeResources.toObject(document)));
                    entries.add(created.isSuccess() ? ref.entry(Action.CREATED, null)
                            : created.getHttpStatusCode() == 409 ? ref.entry(Action.UNCHANGED, "created meanwhile")
                            : ref.entry(Action.FAILED, "create namespace: " + KubeResources.describe(created)));
                } else if (!existing.isSuccess()) {
                    entries.add(ref.entry(Action.FAILED, "read namespace: " + KubeResources.describe(existing)));
                }
            } catch (RuntimeException e) {
                entries.add(ref.entry(Action.FAILED, describe(e)));
            }
        }
        return entries;
    }

    // ------------------------------------------------------------------ versions and history

    /**
     * Computes a document's version: the hash of its content, which an apply compares to skip unchanged resources.
     *
     * @param document a resolved document
     * @return the hash of its content without the version label (16 hex digits)
     */
    public static String version(Map<String, Object> document) {
        Map<String, Object> copy = Json.parseObject(Json.write(document), "document");
        if (copy.get("metadata") instanceof Map<?, ?> metadata && metadata.get("labels") instanceof Map<?, ?> labels) {
            labels.remove(VERSION_LABEL);
            if (labels.isEmpty()) {
                metadata.remove("labels");
            }
        }
        try {
            byte[] canonical = CANONICAL.writeValueAsString(copy).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical)).substring(0, 16);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot hash a manifest document", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static void label(Map<String, Object> document) {
        String version = version(document);
        Map<String, Object> metadata = (Map<String, Object>) document.get("metadata");
        Object labels = metadata.get("labels");
        Map<String, Object> copy = labels instanceof Map<?, ?> map ? new LinkedHashMap<>((Map<String, Object>) map)
                : new LinkedHashMap<>();
        copy.put(VERSION_LABEL, version);
        metadata.put("labels", copy);
    }

    private static String labelOf(Map<String, Object> object) {
        Object labels = Documents.path(object, "metadata", "labels");
        return labels instanceof Map<?, ?> map && map.get(VERSION_LABEL) != null ? String.valueOf(map.get(VERSION_LABEL))
                : null;
    }

    private static int order(Map<String, Object> document) {
        return switch (String.valueOf(document.get("kind"))) {
            case "Namespace" -> 0;
            case "CustomResourceDefinition" -> 1;
            case "ServiceAccount", "ClusterRole", "Role", "ConfigMap", "Secret", "PersistentVolumeClaim" -> 2;
            default -> 3;
        };
    }

    private static String describe(RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
