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
 * server does not support it (415/422 and the like); one with the same version is left alone. What a manifest key
 * applied is found in the cluster itself, ApplySet style ({@link ApplySet}: a label on every resource, a parent
 * ConfigMap listing the kinds): one that is gone from the manifest is deleted — except kinds that hold data
 * ({@link KubeResources#DATA_KINDS}), which are deleted only when the manifest carries the unsafe paraphrase exactly
 * ({@value #UNSAFE_PARAPHRASE}) and are otherwise kept and reported. The client-side history earlier versions kept in
 * the hook ({@value #HISTORY_KEY}) is read once per key to adopt what it listed, then dropped. A failure on one
 * resource does not stop the others.
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
     * @param hook        where an old client-side history may be kept, to migrate ({@code null}: none)
     * @param environment environment lookup for {@code <SERVICE>_NAMESPACE}
     */
    public ResourceSync(ApiClient client, Hook hook, Function<String, String> environment) {
        this(client, hook, environment, () -> true);
    }

    /**
     * Builds an applier that talks to one cluster and asks before every write.
     *
     * @param client      the API client
     * @param hook        where an old client-side history may be kept, to migrate ({@code null}: none)
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
     * Resolves a manifest into the documents an apply sends, in apply order, without ApplySet labels (free-standing
     * resources, {@code loadYaml}).
     *
     * @param manifest  the manifest
     * @param service   its service, or {@code null}
     * @param namespace the kube namespace
     * @return the documents as they are applied (namespaces and placeholders resolved, version label set)
     */
    public List<Map<String, Object>> resolve(Manifest manifest, String service, String namespace) {
        return resolve(manifest, service, namespace, null);
    }

    /**
     * Resolves a manifest into the documents an apply of its key sends, in apply order: labelled as members of the
     * key's ApplySet, then with their version label (so every replica computes the same version).
     *
     * @param manifest  the manifest
     * @param service   its service, or {@code null}
     * @param namespace the kube namespace
     * @param key       the manifest key, or {@code null} for free-standing resources (no ApplySet labels)
     * @return the documents as they are applied
     */
    public List<Map<String, Object>> resolve(Manifest manifest, String service, String namespace, String key) {
        List<Map<String, Object>> documents = new ArrayList<>(resolver.resolve(manifest, service, namespace));
        documents.sort(Comparator.comparingInt(ResourceSync::order));
        if (key != null) {
            ApplySet set = new ApplySet(resources, key, namespace);
            documents.forEach(set::label);
        }
        documents.forEach(ResourceSync::label);
        return documents;
    }

    /**
     * Applies a service's manifest and prunes what an earlier apply of the same key created and the manifest no
     * longer has.
     *
     * @param key       the manifest key (the ApplySet is per key)
     * @param service   the service, or {@code null}
     * @param manifest  the manifest
     * @param namespace the kube namespace
     * @return what was done, per resource
     * @throws IllegalArgumentException when a placeholder cannot be resolved (nothing is sent then)
     */
    public ApplyReport apply(String key, String service, Manifest manifest, String namespace) {
        return apply(key, service, manifest, namespace, () -> true);
    }

    /**
     * Applies a service's manifest and prunes, ApplySet style: every document is labelled with the key's set id; the
     * set's parent ConfigMap first records the union of the kinds and namespaces it held and the ones applied now (so
     * a replica that dies halfway leaves nothing unfindable); then the documents are applied; then every resource of a
     * recorded kind that carries the label and is not in the manifest is deleted (data-holding kinds only with the
     * unsafe paraphrase), together, once, with what an old client-side history listed for the key (migration); last,
     * the parent records exactly what remains. Pruning is skipped when {@code stillCurrent} says a newer manifest was
     * stored meanwhile, so a replica with an older manifest never deletes a resource of the newer one.
     *
     * @param key          the manifest key
     * @param service      the service, or {@code null}
     * @param manifest     the manifest
     * @param namespace    the kube namespace
     * @param stillCurrent asked right before pruning: whether {@code manifest} is still the one stored for the key
     * @return what was done, per resource
     * @throws IllegalArgumentException when a placeholder cannot be resolved (nothing is sent then)
     */
    public ApplyReport apply(String key, String service, Manifest manifest, String namespace,
                             BooleanSupplier stillCurrent) {
        List<Map<String, Object>> documents = resolve(manifest, service, namespace, key);
        ApplySet set = new ApplySet(resources, key, namespace);
        List<ResourceRef> desired = documents.stream().map(ResourceRef::of).toList();
        ApplySet.Recorded wanted = ApplySet.Recorded.of(desired, namespace);
        List<Entry> entries = new ArrayList<>();
        ResourceRef parent = set.parent();
        ApplySet.Recorded before;
        try {
            before = set.read();
        } catch (RuntimeException e) {
            entries.add(parent.entry(Action.FAILED, "ApplySet parent: " + describe(e)));
            return new ApplyReport(key, entries);
        }
        ApplySet.Recorded superset = before.plus(wanted);
        entries.addAll(ensureNamespaces(documents, namespace)); // the parent lives in the kube namespace
        if (!superset.equals(before)) {
            String problem = writeAllowed() ? set.write(superset) : NOT_LEADER;
            if (problem != null) {
                // Without the superset recorded, what this apply creates could never be pruned: apply nothing.
                entries.add(parent.entry(Action.FAILED, "ApplySet parent: " + problem));
                return new ApplyReport(key, entries);
            }
        }
        Set<ResourceRef> current = new LinkedHashSet<>();
        for (Map<String, Object> document : documents) {
            Entry entry = applyOne(document);
            entries.add(entry);
            current.add(ResourceRef.of(entry));
        }
        prune(key, set, superset, wanted, current, manifest, namespace, stillCurrent, entries);
        ApplyReport report = new ApplyReport(key, entries);
        log.debug("Applied {}", report);
        return report;
    }

    private void prune(String key, ApplySet set, ApplySet.Recorded superset, ApplySet.Recorded wanted,
                       Set<ResourceRef> current, Manifest manifest, String namespace, BooleanSupplier stillCurrent,
                       List<Entry> entries) {
        if (refused) {
            return; // no longer the leader: the next leader prunes
        }
        Set<ResourceRef> candidates = new LinkedHashSet<>();
        List<ResourceRef> migrated = history == null ? List.of() : history.previous(key);
        candidates.addAll(migrated);
        try {
            candidates.addAll(set.members(superset));
        } catch (RuntimeException e) {
            entries.add(set.parent().entry(Action.FAILED,
                    "listing the ApplySet's members: " + describe(e) + "; nothing pruned"));
            return;
        }
        candidates.removeAll(current);
        if (!candidates.isEmpty() && !stillCurrent.getAsBoolean()) {
            log.info("Not pruning {}: a newer manifest was stored meanwhile; its apply prunes", key);
            return;
        }
        boolean unsafe = manifest.unsafeParaphrase().map(UNSAFE_PARAPHRASE::equals).orElse(false);
        List<ResourceRef> kept = new ArrayList<>();
        for (ResourceRef candidate : candidates) {
            Entry entry = deleteOne(candidate, unsafe);
            entries.add(entry);
            if (entry.action() == Action.KEPT_PROTECTED || entry.action() == Action.FAILED) {
                kept.add(candidate); // still ours: a later apply may delete it
            }
        }
        if (refused) {
            return;
        }
        boolean adopted = true;
        for (ResourceRef old : kept) {
            if (migrated.contains(old) && !adopt(old, set, key)) {
                adopted = false;
            }
        }
        ApplySet.Recorded exact = wanted.plus(ApplySet.Recorded.of(kept, namespace));
        if (!exact.equals(superset) && writeAllowed()) {
            String problem = set.write(exact);
            if (problem != null) {
                log.warn("Could not narrow ApplySet {} of {}: {} (the next apply retries)", set.id(), key, problem);
            }
        }
        if (history != null && !migrated.isEmpty() && adopted) {
            history.forget(key); // adopted: every resource it listed is current, gone, or labelled as a member
        }
    }

    /** Labels a resource an old history listed (and that was kept) as a member, so later prunes find it. */
    private boolean adopt(ResourceRef ref, ApplySet set, String key) {
        if (!writeAllowed()) {
            return false;
        }
        try {
            String patch = Json.write(Map.of("metadata", Map.of("labels", Map.of(ApplySet.PART_OF, set.id(),
                    ApplySet.KEY_LABEL, ApplySet.labelValue(key)))));
            KubernetesApiResponse<DynamicKubernetesObject> patched = ref.patch(resources.api(ref.apiVersion(),
                    ref.kind()), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, patch, new PatchOptions());
            return patched.isSuccess() || patched.getHttpStatusCode() == 404;
        } catch (RuntimeException e) {
            log.debug("Adopting {} into ApplySet {} failed: {}", ref, set.id(), describe(e));
            return false;
        }
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
        return ensureNamespaces(documents, null);
    }

    private List<Entry> ensureNamespaces(List<Map<String, Object>> documents, String alsoNeeded) {
        Set<String> declared = new LinkedHashSet<>();
        Set<String> needed = new LinkedHashSet<>();
        if (alsoNeeded != null) {
            needed.add(alsoNeeded);
        }
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
