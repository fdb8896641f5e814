package io.jsorc.kube;

import io.jsorc.manifest.ApplyReport.Action;
import io.jsorc.manifest.ApplyReport.Entry;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.options.PatchOptions;

import java.util.Map;
import java.util.Objects;

/**
 * Identifies a resource of a manifest: its kind, namespace and name (and the apiVersion it was applied with), and
 * reads or patches it through a dynamic API.
 */
record ResourceRef(String apiVersion, String kind, String namespace, String name) {

    static ResourceRef of(Map<String, Object> document) {
        Object namespace = Documents.path(document, "metadata", "namespace");
        return new ResourceRef(String.valueOf(document.get("apiVersion")), String.valueOf(document.get("kind")),
                namespace == null ? null : String.valueOf(namespace),
                String.valueOf(Documents.path(document, "metadata", "name")));
    }

    static ResourceRef of(Entry entry) {
        return new ResourceRef(entry.apiVersion(), entry.kind(), entry.namespace(), entry.name());
    }

    Entry entry(Action action, String error) {
        return new Entry(apiVersion, kind, namespace, name, action, error);
    }

    @Override
    public boolean equals(Object other) {
        // apiVersion can change between applies (v1beta1 -> v1): the resource is the same.
        return other instanceof ResourceRef that && kind.equals(that.kind) && Objects.equals(namespace, that.namespace)
                && name.equals(that.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, namespace, name);
    }

    @Override
    public String toString() {
        return kind + " " + (namespace == null ? "" : namespace + "/") + name;
    }

    KubernetesApiResponse<DynamicKubernetesObject> get(DynamicKubernetesApi api) {
        return KubeResources.call(() -> namespace == null ? api.get(name)
                : api.get(namespace, name));
    }

    KubernetesApiResponse<DynamicKubernetesObject> patch(DynamicKubernetesApi api, String type,
                                                          String body, PatchOptions options) {
        return KubeResources.call(() -> namespace == null ? api.patch(name, type, new V1Patch(body), options)
                : api.patch(namespace, name, type, new V1Patch(body), options));
    }
}
