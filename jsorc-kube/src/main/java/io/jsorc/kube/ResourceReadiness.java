package io.jsorc.kube;

import io.jsorc.base.Backoff;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Tells whether applied workloads are ready: Deployments and StatefulSets by their replicas and rollout, DaemonSets
 * by their scheduled pods, Pods by their Ready condition, Services by their endpoints; a status that describes an
 * older generation does not count. A follower also asks it whether what its manifest describes is in the cluster
 * (each resource there, with its {@value ResourceSync#VERSION_LABEL}).
 */
final class ResourceReadiness {

    private final KubeResources resources;

    ResourceReadiness(KubeResources resources) {
        this.resources = resources;
    }

    /**
     * Which applied workloads are not ready: Deployments ({@code availableReplicas >= replicas}), StatefulSets
     * ({@code readyReplicas >= replicas}), DaemonSets ({@code numberReady >= desiredNumberScheduled}), Pods (Running
     * and Ready) and Services with a selector (an Endpoints object with addresses).
     *
     * @param documents resolved documents ({@link ResourceSync#resolve})
     * @return one line per resource that is not ready (empty: all ready)
     */
    public List<String> notReady(List<Map<String, Object>> documents) {
        return notReady(documents, Map.of());
    }

    /** {@link #notReady}, reading each resource only when {@code read} (document -> live object) lacks it. */
    private List<String> notReady(List<Map<String, Object>> documents,
                                  Map<Map<String, Object>, Map<String, Object>> read) {
        List<String> waiting = new ArrayList<>();
        for (Map<String, Object> document : documents) {
            String kind = String.valueOf(document.get("kind"));
            ResourceRef ref = ResourceRef.of(document);
            try {
                String problem = switch (kind) {
                    case "Deployment" -> replicas(ref, live(ref, read.get(document)), "availableReplicas");
                    case "StatefulSet" -> replicas(ref, live(ref, read.get(document)), "readyReplicas");
                    case "DaemonSet" -> daemonSet(live(ref, read.get(document)));
                    case "Pod" -> pod(live(ref, read.get(document)));
                    case "Service" -> service(ref, document);
                    default -> null;
                };
                if (problem != null) {
                    waiting.add(ref + ": " + problem);
                }
            } catch (RuntimeException e) {
                waiting.add(ref + ": " + e.getMessage());
            }
        }
        return waiting;
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
        long deadline = System.nanoTime() + timeout.toNanos();
        Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5)).withJitter(0);
        List<String> waiting = notReady(documents);
        while (!waiting.isEmpty() && System.nanoTime() < deadline) {
            long wait = backoff.failed(System.nanoTime());
            Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(wait, deadline - System.nanoTime()))));
            waiting = notReady(documents);
        }
        return waiting;
    }

    /**
     * Says, without writing, what of a manifest is not in the cluster as this replica's manifest describes it, or not
     * ready: what a follower waits for while the leader applies.
     *
     * @param documents resolved documents ({@link ResourceSync#resolve})
     * @return one line per resource that is missing, carries another version, or is not ready (empty: all there)
     */
    public List<String> missingOrNotReady(List<Map<String, Object>> documents) {
        List<String> problems = new ArrayList<>();
        Map<Map<String, Object>, Map<String, Object>> read = new IdentityHashMap<>();
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
                    Map<String, Object> object = KubeResources.toMap(existing.getObject());
                    read.put(document, object);
                    String live = VersionLabel.of(object);
                    String wanted = VersionLabel.hash(document);
                    if (!wanted.equals(live)) {
                        problems.add(ref + " has version " + live + ", this replica's manifest " + wanted);
                    }
                }
            } catch (RuntimeException e) {
                problems.add(ref + ": " + KubeResources.describe(e));
            }
        }
        if (problems.isEmpty()) {
            problems.addAll(notReady(documents, read)); // the objects just read, not read again
        }
        return problems;
    }

    private Map<String, Object> live(ResourceRef ref, Map<String, Object> alreadyRead) {
        if (alreadyRead != null) {
            return alreadyRead;
        }
        KubernetesApiResponse<DynamicKubernetesObject> response = ref.get(resources.api(ref.apiVersion(), ref.kind()));
        if (!response.isSuccess()) {
            throw new KubeException("cannot read it: " + KubeResources.describe(response));
        }
        return KubeResources.toMap(response.getObject());
    }

    private static String replicas(ResourceRef ref, Map<String, Object> object, String readyField) {
        String stale = staleGeneration(object);
        if (stale != null) {
            return stale;
        }
        long wanted = Documents.number(Documents.path(object, "spec", "replicas"), 1);
        long ready = Documents.number(Documents.path(object, "status", readyField), 0);
        if (ready < wanted) {
            return readyField + " " + ready + "/" + wanted;
        }
        if (ref.kind().equals("Deployment")) {
            String rollout = deploymentRollout(object, wanted);
            if (rollout != null) {
                return rollout;
            }
        }
        if (ref.kind().equals("StatefulSet") && Documents.path(object, "status", "updateRevision") != null
                && !Objects.equals(Documents.path(object, "status", "updateRevision"), Documents.path(object, "status", "currentRevision"))) {
            return "rolling out revision " + Documents.path(object, "status", "updateRevision");
        }
        return null;
    }

    /**
     * What {@code kubectl rollout status} waits for besides the available count, which old pods count in too: every
     * replica updated, no old one left, and the updated ones available (one new pod not ready beside an old one that
     * is was reported ready).
     */
    private static String deploymentRollout(Map<String, Object> object, long wanted) {
        long updated = Documents.number(Documents.path(object, "status", "updatedReplicas"), wanted);
        if (updated < wanted) {
            return "updatedReplicas " + updated + "/" + wanted;
        }
        long total = Documents.number(Documents.path(object, "status", "replicas"), updated);
        if (total > updated) {
            return (total - updated) + " old replica(s) pending termination";
        }
        long available = Documents.number(Documents.path(object, "status", "availableReplicas"), 0);
        if (available < updated) {
            return "availableReplicas " + available + " of " + updated + " updated";
        }
        return null;
    }

    /** The status describes an older spec until the controller has observed the current generation. */
    private static String staleGeneration(Map<String, Object> object) {
        Object generation = Documents.path(object, "metadata", "generation");
        Object observed = Documents.path(object, "status", "observedGeneration");
        if (generation instanceof Number g && observed instanceof Number o && o.longValue() < g.longValue()) {
            return "observedGeneration " + o + " < generation " + g;
        }
        return null;
    }

    /**
     * As {@code kubectl rollout status}: the controller observed the current spec, every scheduled pod runs it, and
     * all of them are available. A DaemonSet no node matches (desired 0) is ready once observed.
     */
    private static String daemonSet(Map<String, Object> object) {
        String stale = staleGeneration(object);
        if (stale != null) {
            return stale;
        }
        if (!(Documents.path(object, "status", "observedGeneration") instanceof Number)) {
            return "not observed by its controller yet";
        }
        long desired = Documents.number(Documents.path(object, "status", "desiredNumberScheduled"), 0);
        long updated = Documents.number(Documents.path(object, "status", "updatedNumberScheduled"), desired);
        if (updated < desired) {
            return "updatedNumberScheduled " + updated + "/" + desired;
        }
        long available = Documents.number(Documents.path(object, "status", "numberAvailable"),
                Documents.number(Documents.path(object, "status", "numberReady"), 0));
        return available >= desired ? null : "numberAvailable " + available + "/" + desired;
    }

    private static String pod(Map<String, Object> object) {
        Object phase = Documents.path(object, "status", "phase");
        if (!"Running".equals(phase)) {
            return "phase " + phase;
        }
        if (Documents.path(object, "status", "conditions") instanceof List<?> conditions) {
            for (Object condition : conditions) {
                if (condition instanceof Map<?, ?> c && "Ready".equals(c.get("type")) && "True".equals(c.get("status"))) {
                    return null;
                }
            }
        }
        return "not Ready";
    }

    private String service(ResourceRef ref, Map<String, Object> document) {
        Object selector = Documents.path(document, "spec", "selector");
        if (!(selector instanceof Map<?, ?> map) || map.isEmpty() || "ExternalName".equals(Documents.path(document, "spec", "type"))) {
            return null; // no selector: endpoints are managed by hand
        }
        KubernetesApiResponse<DynamicKubernetesObject> endpoints =
                KubeResources.call(() -> resources.api("v1", "Endpoints").get(ref.namespace(), ref.name()));
        if (!endpoints.isSuccess()) {
            return "no endpoints";
        }
        if (Documents.path(KubeResources.toMap(endpoints.getObject()), "subsets") instanceof List<?> subsets) {
            for (Object subset : subsets) {
                if (subset instanceof Map<?, ?> s && s.get("addresses") instanceof List<?> a && !a.isEmpty()) {
                    return null;
                }
            }
        }
        return "no ready endpoints";
    }
}
