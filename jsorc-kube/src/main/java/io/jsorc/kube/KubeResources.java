package io.jsorc.kube;

import io.jsorc.base.Json;
import io.kubernetes.client.Discovery;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.dynamic.Dynamics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps a kind to its REST resource (plural, scope) so any kind can be applied through client-java's dynamic API: a
 * table for the common kinds, API discovery for the rest where the server offers it, and a plural guessed from the
 * kind (namespaced) as the last resort.
 */
public final class KubeResources {

    /**
     * Where a kind lives.
     *
     * @param plural     the resource's plural ({@code deployments})
     * @param namespaced whether it is namespaced
     */
    public record Resource(String plural, boolean namespaced) { }

    private static final Logger log = LoggerFactory.getLogger(KubeResources.class);

    private static final Map<String, Resource> COMMON = Map.ofEntries(
            Map.entry("Namespace", new Resource("namespaces", false)),
            Map.entry("ConfigMap", new Resource("configmaps", true)),
            Map.entry("Secret", new Resource("secrets", true)),
            Map.entry("Service", new Resource("services", true)),
            Map.entry("ServiceAccount", new Resource("serviceaccounts", true)),
            Map.entry("Pod", new Resource("pods", true)),
            Map.entry("Endpoints", new Resource("endpoints", true)),
            Map.entry("PersistentVolumeClaim", new Resource("persistentvolumeclaims", true)),
            Map.entry("PersistentVolume", new Resource("persistentvolumes", false)),
            Map.entry("Deployment", new Resource("deployments", true)),
            Map.entry("StatefulSet", new Resource("statefulsets", true)),
            Map.entry("DaemonSet", new Resource("daemonsets", true)),
            Map.entry("ReplicaSet", new Resource("replicasets", true)),
            Map.entry("Job", new Resource("jobs", true)),
            Map.entry("CronJob", new Resource("cronjobs", true)),
            Map.entry("Ingress", new Resource("ingresses", true)),
            Map.entry("NetworkPolicy", new Resource("networkpolicies", true)),
            Map.entry("HorizontalPodAutoscaler", new Resource("horizontalpodautoscalers", true)),
            Map.entry("PodDisruptionBudget", new Resource("poddisruptionbudgets", true)),
            Map.entry("Role", new Resource("roles", true)),
            Map.entry("RoleBinding", new Resource("rolebindings", true)),
            Map.entry("ClusterRole", new Resource("clusterroles", false)),
            Map.entry("ClusterRoleBinding", new Resource("clusterrolebindings", false)),
            Map.entry("CustomResourceDefinition", new Resource("customresourcedefinitions", false)),
            Map.entry("ValidatingWebhookConfiguration", new Resource("validatingwebhookconfigurations", false)),
            Map.entry("MutatingWebhookConfiguration", new Resource("mutatingwebhookconfigurations", false)),
            Map.entry("StorageClass", new Resource("storageclasses", false)),
            Map.entry("PriorityClass", new Resource("priorityclasses", false)));

    /** Kinds whose deletion loses data: deleted only with the unsafe paraphrase. */
    public static final Set<String> DATA_KINDS = Set.of("PersistentVolumeClaim", "PersistentVolume", "Namespace");

    private final ApiClient client;
    private final Map<String, Resource> discovered = new ConcurrentHashMap<>();
    /** When discovery last ran ({@link System#nanoTime()}), 0 before it ever did; guarded by this. */
    private long discoveredAtNanos;
    private boolean discoveryWarned;
    private final long discoveryRetryNanos;
    private static final java.time.Duration DISCOVERY_RETRY = java.time.Duration.ofMinutes(1);

    /**
     * Creates the resource table of a cluster; API discovery runs on the first kind it does not know.
     *
     * @param client the API client
     */
    public KubeResources(ApiClient client) {
        this(client, DISCOVERY_RETRY);
    }

    /** For tests: how long after a failed discovery the next one may run. */
    KubeResources(ApiClient client, java.time.Duration discoveryRetry) {
        this.client = client;
        this.discoveryRetryNanos = discoveryRetry.toNanos();
    }

    /** {@return the API client} */
    public ApiClient client() {
        return client;
    }

    /**
     * Returns where a kind lives: its plural and whether it is namespaced.
     *
     * @param apiVersion e.g. {@code apps/v1}
     * @param kind       e.g. {@code Deployment}
     * @return where that kind lives
     */
    public Resource resource(String apiVersion, String kind) {
        Resource common = COMMON.get(kind);
        if (common != null) {
            return common;
        }
        String key = apiVersion + "/" + kind;
        Resource found = discovered.get(key);
        if (found == null) {
            found = discoverFor(key);
        }
        return found != null ? found : new Resource(guessPlural(kind), true);
    }

    /**
     * A kind the table does not hold: discovery runs, at most once per retry interval (a minute), whether the last
     * one failed or did not know the kind (its CRD installed since, or in the same manifest). Callers meanwhile wait
     * for a discovery under way instead of taking a guess beside it.
     */
    private synchronized Resource discoverFor(String key) {
        Resource found = discovered.get(key);
        if (found == null && (discoveredAtNanos == 0 || System.nanoTime() - discoveredAtNanos > discoveryRetryNanos)) {
            discover();
            found = discovered.get(key);
        }
        return found;
    }

    /** Runs discovery; the caller holds this. */
    private void discover() {
        discoveredAtNanos = System.nanoTime();
        try {
            for (Discovery.APIResource resource : new Discovery(client).findAll()) {
                for (String version : resource.getVersions()) {
                    String apiVersion = resource.getGroup().isEmpty() ? version : resource.getGroup() + "/" + version;
                    discovered.put(apiVersion + "/" + resource.getKind(),
                            new Resource(resource.getResourcePlural(), Boolean.TRUE.equals(resource.getNamespaced())));
                }
            }
        } catch (Exception | LinkageError e) {
            // Said once at WARN: a kind outside the built-in table is then sent to a guessed, namespaced path (a
            // cluster-scoped custom resource fails with a bare 404), and nothing else would say why.
            if (!discoveryWarned) {
                discoveryWarned = true;
                log.warn("Kubernetes API discovery failed ({}); kinds outside the built-in table get a guessed plural "
                        + "and are taken as namespaced until it works (retried at most once a minute)", e.toString());
            } else {
                log.debug("Kubernetes API discovery failed again: {}", e.toString());
            }
        }
    }

    static String guessPlural(String kind) {
        String lower = kind.toLowerCase(Locale.ROOT);
        if (lower.endsWith("s") || lower.endsWith("x") || lower.endsWith("ch") || lower.endsWith("sh")) {
            return lower + "es";
        }
        if (lower.endsWith("y") && lower.length() > 1 && "aeiou".indexOf(lower.charAt(lower.length() - 2)) < 0) {
            return lower.substring(0, lower.length() - 1) + "ies";
        }
        return lower + "s";
    }

    /**
     * Returns the generic API of a kind.
     *
     * @param apiVersion the apiVersion
     * @param kind       the kind
     * @return the dynamic API of that kind
     */
    public DynamicKubernetesApi api(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return new DynamicKubernetesApi(group, version, resource(apiVersion, kind).plural(), client);
    }

    /**
     * Converts a document to a dynamic object.
     *
     * @param document a JSON-compatible document
     * @return it as a dynamic object
     */
    public static DynamicKubernetesObject toObject(Map<String, Object> document) {
        return Dynamics.newFromJson(Json.write(document));
    }

    /**
     * Converts a dynamic object to a map.
     *
     * @param object a dynamic object
     * @return it as a map
     */
    public static Map<String, Object> toMap(DynamicKubernetesObject object) {
        return Json.parseObject(object.getRaw().toString(), object.getKind() + " from the API server");
    }

    /**
     * Runs a call of the generic API. client-java throws (an {@link ApiException} inside a runtime exception) when a
     * failed response has no status body — as a 404 with an empty body does — so such failures are turned back into
     * responses carrying their HTTP code. Connection failures still throw.
     *
     * @param call the call
     * @param <T>  the object type
     * @return the response
     */
    public static <T extends io.kubernetes.client.common.KubernetesType> KubernetesApiResponse<T> call(
            java.util.function.Supplier<KubernetesApiResponse<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof ApiException api && api.getCode() > 0) {
                    String body = api.getResponseBody();
                    return new KubernetesApiResponse<>(new V1Status().code(api.getCode())
                            .message(body == null || body.isBlank() ? api.getMessage() : body), api.getCode());
                }
            }
            throw e;
        }
    }

    /**
     * Describes a failed response for an error message.
     *
     * @param response a failed response
     * @return the HTTP status and the server's message
     */
    public static String describe(KubernetesApiResponse<?> response) {
        V1Status status = response.getStatus();
        String message = status == null ? null : status.getMessage();
        return "HTTP " + response.getHttpStatusCode() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /** {@return a thrown failure for an error message: the cause's class and message, when it has a cause} */
    static String describe(RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
