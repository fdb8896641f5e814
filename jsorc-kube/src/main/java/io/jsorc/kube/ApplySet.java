package io.jsorc.kube;

import io.jsorc.cluster.ElectionSettings;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesListObject;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.openapi.models.V1Preconditions;
import io.kubernetes.client.util.generic.options.DeleteOptions;
import io.kubernetes.client.util.generic.options.ListOptions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resources one manifest key applied, kept in the cluster itself (ApplySet, KEP-3659) instead of client-side
 * state: every applied resource carries the label {@value #PART_OF} = the set's id (and {@value #KEY_LABEL} = the
 * manifest key), and a parent ConfigMap ({@code jsorc-applyset-<key>} in the kube namespace, labelled
 * {@value #ID_LABEL}) lists the kinds ({@value #KINDS}, plus the apiVersions JsOrc needs to list them,
 * {@value #API_KINDS}) and the namespaces ({@value #NAMESPACES}) members may be in. Pruning lists those kinds by label
 * and deletes what the current manifest no longer has, so any replica that leads prunes the same way and nothing
 * is lost between replicas.
 */
final class ApplySet {

    /** The member label: the set's id. */
    static final String PART_OF = "applyset.kubernetes.io/part-of";
    /** The parent's label: the set's id. */
    static final String ID_LABEL = "applyset.kubernetes.io/id";
    /** The parent's annotation: the member kinds, {@code Kind.group}, comma separated. */
    static final String KINDS = "applyset.kubernetes.io/contains-group-kinds";
    /** The parent's annotation: namespaces other than its own that members may be in. */
    static final String NAMESPACES = "applyset.kubernetes.io/additional-namespaces";
    /** The parent's annotation: the tool that manages the set. */
    static final String TOOLING = "applyset.kubernetes.io/tooling";
    /** The parent's annotation: member kinds with their apiVersion ({@code apps/v1/Deployment}), to list them. */
    static final String API_KINDS = "jsorc.io/contains-api-kinds";
    /** The member label: the manifest key. */
    static final String KEY_LABEL = "jsorc.io/manifest-key";

    private final KubeResources resources;
    private final String key;
    private final String namespace;
    private final String parentName;
    /** Kept by {@link #read}, {@link #write} and {@link #deleteIfStill}; one apply uses an ApplySet at a time. */
    private boolean parentExists;
    private final String id;

    ApplySet(KubeResources resources, String key, String namespace, String app) {
        this.resources = resources;
        this.key = key;
        this.namespace = namespace;
        this.parentName = parentName(key, app);
        this.id = id(parentName, namespace);
    }

    /**
     * {@return the parent's name: {@code jsorc-applyset-}, the app's name unless it is the default one (so sets made
     * before apps were told apart keep their name), then the key in lower case with {@code _} as {@code -}; a key
     * with other characters a name cannot hold ({@code ACTION_MANIFEST:echo}) gets them replaced and a hash of the key
     * appended, so two keys never share a set. Two hosts in one namespace (their apps differ) never share one either:
     * each would prune what the other applied.}
     *
     * @param key the manifest key
     * @param app the app's name ({@code leader_election.app}, {@code JSORC_APP})
     */
    static String parentName(String key, String app) {
        String plain = (app == null || app.equals(ElectionSettings.DEFAULT_APP) ? "" : app + "-")
                + key.toLowerCase(Locale.ROOT).replace('_', '-');
        String safe = plain.replaceAll("[^a-z0-9.-]", "-");
        String name = "jsorc-applyset-" + safe;
        if (!safe.equals(plain) || name.length() > 200) {
            name = name.substring(0, Math.min(name.length(), 200)) + "-" + hash(key).substring(0, 10);
        }
        return name;
    }

    /** {@return the key as a label value: at most 63 of {@code [A-Za-z0-9_.-]}, starting and ending alphanumeric} */
    static String labelValue(String key) {
        String value = key.replaceAll("[^A-Za-z0-9_.-]", "_");
        value = value.substring(0, Math.min(63, value.length()));
        return value.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    }

    private static String hash(String text) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** {@return the set id of KEP-3659: {@code applyset-<base64url(sha256(name.namespace.kind.group))>-v1}} */
    static String id(String name, String namespace) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((name + "." + namespace + ".ConfigMap.")
                    .getBytes(StandardCharsets.UTF_8));
            return "applyset-" + Base64.getUrlEncoder().withoutPadding().encodeToString(hash) + "-v1";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    String id() {
        return id;
    }

    /** {@return the parent ConfigMap, as a resource reference (for reports)} */
    ResourceRef parent() {
        return new ResourceRef("v1", "ConfigMap", namespace, parentName);
    }

    /** {@return the labels that make a resource a member of this set} */
    Map<String, Object> memberLabels() {
        return Map.of(PART_OF, id, KEY_LABEL, labelValue(key));
    }

    /** Labels a document as a member (before its version label is computed, so every replica computes the same). */
    @SuppressWarnings("unchecked")
    void label(Map<String, Object> document) {
        Map<String, Object> metadata = (Map<String, Object>) document.get("metadata");
        Object labels = metadata.get("labels");
        Map<String, Object> copy = labels instanceof Map<?, ?> map ? new LinkedHashMap<>((Map<String, Object>) map)
                : new LinkedHashMap<>();
        copy.put(PART_OF, id);
        copy.put(KEY_LABEL, labelValue(key));
        metadata.put("labels", copy);
    }

    /** What the parent records: member kinds ({@code apiVersion/Kind}) and namespaces. */
    record Recorded(Set<String> apiKinds, Set<String> namespaces) {
        static Recorded of(List<ResourceRef> refs, String defaultNamespace) {
            Set<String> kinds = new TreeSet<>();
            Set<String> namespaces = new TreeSet<>();
            for (ResourceRef ref : refs) {
                kinds.add(ref.apiVersion() + "/" + ref.kind());
                if (ref.namespace() != null && !ref.namespace().equals(defaultNamespace)) {
                    namespaces.add(ref.namespace());
                }
            }
            return new Recorded(kinds, namespaces);
        }

        /** {@return whether it records no kind and no namespace: the set holds nothing} */
        boolean isEmpty() {
            return apiKinds.isEmpty() && namespaces.isEmpty();
        }

        Recorded plus(Recorded other) {
            Set<String> kinds = new TreeSet<>(apiKinds);
            kinds.addAll(other.apiKinds);
            Set<String> all = new TreeSet<>(namespaces);
            all.addAll(other.namespaces);
            return new Recorded(kinds, all);
        }
    }

    /** {@return whether the parent existed when last read, written or deleted through this object} */
    boolean parentExists() {
        return parentExists;
    }

    /** {@return what the parent records now; empty when there is no parent yet} */
    Recorded read() {
        KubernetesApiResponse<DynamicKubernetesObject> parent = KubeResources.call(() -> configMaps()
                .get(namespace, parentName));
        parentExists = parent.isSuccess();
        if (!parent.isSuccess()) {
            if (parent.getHttpStatusCode() == 404) {
                return new Recorded(Set.of(), Set.of());
            }
            throw new KubeException("Reading the ApplySet parent " + namespace + "/" + parentName + " failed: "
                    + KubeResources.describe(parent));
        }
        return recorded(parent.getObject());
    }

    private static Recorded recorded(DynamicKubernetesObject parent) {
        Object annotations = Documents.path(KubeResources.toMap(parent), "metadata", "annotations");
        Map<?, ?> map = annotations instanceof Map<?, ?> m ? m : Map.of();
        return new Recorded(split(map.get(API_KINDS)), split(map.get(NAMESPACES)));
    }

    /**
     * Deletes the parent of a set that holds nothing any more (an apply of nothing pruned all it recorded: a retired
     * action server, a manifest emptied), so a key that is gone leaves no ConfigMap behind. Only while the parent
     * still records what that apply pruned, and only that version of it (a precondition on its
     * {@code resourceVersion}): a concurrent apply that recorded more keeps its parent, and so its way to prune.
     *
     * @param pruned what the parent recorded when the apply pruned
     * @return {@code null} when deleted or already gone, else why not
     */
    String deleteIfStill(Recorded pruned) {
        DynamicKubernetesApi api = configMaps();
        KubernetesApiResponse<DynamicKubernetesObject> existing = KubeResources.call(() -> api.get(namespace,
                parentName));
        if (existing.getHttpStatusCode() == 404) {
            return null;
        }
        if (!existing.isSuccess()) {
            return "read: " + KubeResources.describe(existing);
        }
        if (!recorded(existing.getObject()).equals(pruned)) {
            return "it records more than was pruned (a concurrent apply); kept";
        }
        DeleteOptions options = new DeleteOptions();
        options.setPreconditions(new V1Preconditions().resourceVersion(existing.getObject().getMetadata()
                .getResourceVersion()));
        KubernetesApiResponse<DynamicKubernetesObject> deleted = KubeResources.call(() -> api.delete(namespace,
                parentName, options));
        if (!deleted.isSuccess() && deleted.getHttpStatusCode() != 404) {
            return KubeResources.describe(deleted);
        }
        parentExists = false;
        // An apply of the same key that found the parent recording all it needed wrote nothing to it, so the
        // precondition could not see it: what it applied meanwhile must not be left without a parent.
        List<ResourceRef> appeared = members(pruned);
        if (!appeared.isEmpty()) {
            String problem = write(Recorded.of(appeared, namespace));
            return "members appeared meanwhile (a concurrent apply); the parent was written again"
                    + (problem == null ? "" : ", which failed: " + problem);
        }
        return null;
    }

    /**
     * Writes the parent (create, or replace on the version read).
     *
     * @return {@code null} when written, else why not
     */
    String write(Recorded recorded) {
        Map<String, Object> annotations = new LinkedHashMap<>();
        annotations.put(TOOLING, "jsorc/v1");
        annotations.put(API_KINDS, String.join(",", recorded.apiKinds()));
        annotations.put(KINDS, String.join(",", recorded.apiKinds().stream().map(ApplySet::groupKind)
                .collect(java.util.stream.Collectors.toCollection(TreeSet::new))));
        annotations.put(NAMESPACES, String.join(",", recorded.namespaces()));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", parentName);
        metadata.put("namespace", namespace);
        metadata.put("labels", Map.of(ID_LABEL, id, KEY_LABEL, labelValue(key)));
        metadata.put("annotations", annotations);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("apiVersion", "v1");
        document.put("kind", "ConfigMap");
        document.put("metadata", metadata);
        DynamicKubernetesApi api = configMaps();
        KubernetesApiResponse<DynamicKubernetesObject> existing = KubeResources.call(() -> api.get(namespace,
                parentName));
        KubernetesApiResponse<DynamicKubernetesObject> written;
        if (existing.getHttpStatusCode() == 404) {
            written = KubeResources.call(() -> api.create(KubeResources.toObject(document)));
        } else if (existing.isSuccess()) {
            metadata.put("resourceVersion", Documents.path(KubeResources.toMap(existing.getObject()), "metadata",
                    "resourceVersion"));
            written = KubeResources.call(() -> api.update(KubeResources.toObject(document)));
        } else {
            return "read: " + KubeResources.describe(existing);
        }
        if (written.isSuccess()) {
            parentExists = true;
            return null;
        }
        return KubeResources.describe(written);
    }

    /** {@return the members in the cluster: every resource of a recorded kind and namespace that carries the label} */
    List<ResourceRef> members(Recorded recorded) {
        List<ResourceRef> members = new ArrayList<>();
        Set<String> namespaces = new TreeSet<>(recorded.namespaces());
        namespaces.add(namespace);
        for (String apiKind : recorded.apiKinds()) {
            int slash = apiKind.lastIndexOf('/');
            String apiVersion = apiKind.substring(0, slash);
            String kind = apiKind.substring(slash + 1);
            DynamicKubernetesApi api = resources.api(apiVersion, kind);
            ListOptions options = new ListOptions();
            options.setLabelSelector(PART_OF + "=" + id);
            boolean clusterScoped = !resources.resource(apiVersion, kind).namespaced();
            for (String ns : clusterScoped ? Set.of("") : namespaces) {
                KubernetesApiResponse<DynamicKubernetesListObject> listed = KubeResources.call(() -> clusterScoped
                        ? api.list(options) : api.list(ns, options));
                if (!listed.isSuccess()) {
                    if (listed.getHttpStatusCode() == 404) {
                        continue; // no such kind (any more): nothing of it to prune
                    }
                    throw new KubeException("Listing " + kind + " of ApplySet " + id + " failed: "
                            + KubeResources.describe(listed));
                }
                for (DynamicKubernetesObject item : listed.getObject().getItems()) {
                    members.add(new ResourceRef(apiVersion, kind, clusterScoped ? null
                            : item.getMetadata().getNamespace(), item.getMetadata().getName()));
                }
            }
        }
        return members;
    }

    private static String groupKind(String apiKind) {
        String[] parts = apiKind.split("/");
        String kind = parts[parts.length - 1];
        return parts.length == 3 ? kind + "." + parts[0] : kind;
    }

    private static Set<String> split(Object value) {
        Set<String> out = new TreeSet<>();
        if (value != null) {
            for (String part : String.valueOf(value).split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    private DynamicKubernetesApi configMaps() {
        return resources.api("v1", "ConfigMap");
    }
}
