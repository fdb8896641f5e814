package io.jsorc.kube;

import io.jsorc.base.Json;
import io.jsorc.manifest.ApplyReport.Action;
import io.jsorc.manifest.ApplyReport.Entry;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.options.PatchOptions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends resolved documents to the cluster, one at a time: a missing resource is created; one whose
 * {@value ResourceSync#VERSION_LABEL} differs is updated with server-side apply (field manager
 * {@value ResourceSync#FIELD_MANAGER}), or replaced on the version read where the server has no server-side apply;
 * one with the same version is left alone. Creates the namespaces the documents need first. Every write passes the
 * {@link WriteGate}; a skipped one is reported as {@link Action#FAILED} with {@value ResourceSync#NOT_LEADER}. A
 * failure is reported in the resource's entry, never thrown, so it does not stop the others.
 */
final class ResourceApplier {

    private final KubeResources resources;
    private final WriteGate gate;

    ResourceApplier(KubeResources resources, WriteGate gate) {
        this.resources = resources;
        this.gate = gate;
    }

    /** {@return what applying one document did: created, updated, unchanged, or failed (and why)} */
    Entry apply(Map<String, Object> document) {
        ResourceRef ref = ResourceRef.of(document);
        try {
            DynamicKubernetesApi api = resources.api(ref.apiVersion(), ref.kind());
            KubernetesApiResponse<DynamicKubernetesObject> existing = ref.get(api);
            if (existing.getHttpStatusCode() == 404) {
                if (!gate.allowed()) {
                    return ref.entry(Action.FAILED, ResourceSync.NOT_LEADER);
                }
                KubernetesApiResponse<DynamicKubernetesObject> created = create(api, ref, document);
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
            String version = VersionLabel.hash(document);
            if (version.equals(VersionLabel.of(KubeResources.toMap(existing.getObject())))) {
                return ref.entry(Action.UNCHANGED, null);
            }
            if (!gate.allowed()) {
                return ref.entry(Action.FAILED, ResourceSync.NOT_LEADER);
            }
            return update(api, ref, document, existing.getObject());
        } catch (RuntimeException e) {
            return ref.entry(Action.FAILED, KubeResources.describe(e));
        }
    }

    /**
     * Creates through server-side apply, as later updates go: created by a plain POST, the object's fields would be
     * owned by an Update entry of the field manager, which a later apply does not own, so a field the manifest drops
     * afterwards would stay in the cluster for good. A server without server-side apply gets a plain create.
     */
    private KubernetesApiResponse<DynamicKubernetesObject> create(DynamicKubernetesApi api, ResourceRef ref,
                                                                  Map<String, Object> document) {
        KubernetesApiResponse<DynamicKubernetesObject> applied = ref.patch(api, V1Patch.PATCH_FORMAT_APPLY_YAML,
                Json.write(document), new PatchOptions().fieldManager(ResourceSync.FIELD_MANAGER).force(true));
        if (applied.isSuccess() || !serverSideApplyUnsupported(applied)) {
            return applied;
        }
        return KubeResources.call(() -> api.create(KubeResources.toObject(document)));
    }

    private Entry update(DynamicKubernetesApi api, ResourceRef ref, Map<String, Object> document,
                         DynamicKubernetesObject existing) {
        String body = Json.write(document);
        KubernetesApiResponse<DynamicKubernetesObject> applied = ref.patch(api, V1Patch.PATCH_FORMAT_APPLY_YAML,
                body, new PatchOptions().fieldManager(ResourceSync.FIELD_MANAGER).force(true));
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
                .toLowerCase(Locale.ROOT);
        return (code == 404 || code == 422 || code == 400) && (message.contains("patch") || message.isBlank()
                || message.contains("apply") || message.contains("not found") || message.contains("unsupported"));
    }

    /** Creates the namespaces the documents are in and do not declare themselves. */
    List<Entry> ensureNamespaces(List<Map<String, Object>> documents) {
        return ensureNamespaces(documents, null);
    }

    /** Creates the namespaces the documents are in and do not declare, and {@code alsoNeeded} (may be {@code null}). */
    List<Entry> ensureNamespaces(List<Map<String, Object>> documents, String alsoNeeded) {
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
                    if (!gate.allowed()) {
                        entries.add(ref.entry(Action.FAILED, ResourceSync.NOT_LEADER));
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
                entries.add(ref.entry(Action.FAILED, KubeResources.describe(e)));
            }
        }
        return entries;
    }
}
