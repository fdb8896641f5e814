package io.jsorc.kube;

import io.jsorc.cluster.ElectionSettings;
import io.jsorc.config.Hook;
import io.jsorc.manifest.ApplyReport;
import io.jsorc.manifest.ApplyReport.Action;
import io.jsorc.manifest.ApplyReport.Entry;
import io.jsorc.manifest.Manifest;
import io.kubernetes.client.openapi.ApiClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
 * manifest twice sends nothing. A missing resource is created, one with another version updated, both with server-side
 * apply (field manager {@value #FIELD_MANAGER}); a server without it gets a plain create and a full replace on the
 * resourceVersion read ({@link ResourceApplier}); one with the same version is left alone. What a manifest key
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
 *
 * <p>This class resolves the documents and runs the steps in order; the steps are its package's: {@link
 * ResourceApplier} sends documents, {@link ApplySetPruner} deletes and adopts, {@link ResourceReadiness} checks, and
 * one {@link WriteGate} per instance asks before each write.
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

    private final KubeResources resources;
    private final ManifestResolver resolver;
    private final ResourceReadiness readiness;
    private String app = ElectionSettings.DEFAULT_APP;
    /** Shared by the applier and the pruner: once either is refused a write, neither writes again. */
    private final WriteGate gate;
    private final ResourceApplier applier;
    private final ApplySetPruner pruner;

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
        this(new KubeResources(client), hook, environment, mayWrite);
    }

    /**
     * Builds an applier on a cluster's resource table (the kube service's, {@link KubeService#resources()}, so API
     * discovery runs once per client rather than once per apply) that asks before every write.
     *
     * @param resources   the cluster's resource table
     * @param hook        where an old client-side history may be kept, to migrate ({@code null}: none)
     * @param environment environment lookup for {@code <SERVICE>_NAMESPACE}
     * @param mayWrite    asked right before each write; {@code false} (the leader lease is lost) stops writing
     */
    public ResourceSync(KubeResources resources, Hook hook, Function<String, String> environment,
                        BooleanSupplier mayWrite) {
        this.resources = resources;
        this.resolver = new ManifestResolver(resources, environment);
        this.readiness = new ResourceReadiness(resources);
        this.gate = new WriteGate(mayWrite);
        this.applier = new ResourceApplier(resources, gate);
        this.pruner = new ApplySetPruner(resources, hook == null ? null : new ApplyHistory(hook), gate);
    }

    /**
     * Names the app the applies belong to (the ApplySets are the app's: two hosts sharing a namespace never prune
     * each other's resources).
     *
     * @param app the app's name ({@code leader_election.app}, {@code JSORC_APP}; {@value ElectionSettings#DEFAULT_APP}
     *            when not called)
     * @return this
     */
    public ResourceSync app(String app) {
        this.app = app == null ? ElectionSettings.DEFAULT_APP : app;
        return this;
    }

    /** {@return the app's name as the orchestrator's leader election settings give it} */
    static String appOf(io.jsorc.ComponentContext orchestrator) {
        return io.jsorc.cluster.Leadership.of(orchestrator).settings().map(ElectionSettings::app)
                .orElse(ElectionSettings.DEFAULT_APP);
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
            ApplySet set = new ApplySet(resources, key, namespace, app);
            documents.forEach(set::label);
        }
        documents.forEach(VersionLabel::stamp);
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
        ApplySet set = new ApplySet(resources, key, namespace, app);
        List<ResourceRef> desired = documents.stream().map(ResourceRef::of).toList();
        ApplySet.Recorded wanted = ApplySet.Recorded.of(desired, namespace);
        List<Entry> entries = new ArrayList<>();
        ResourceRef parent = set.parent();
        ApplySet.Recorded before;
        try {
            before = set.read();
        } catch (RuntimeException e) {
            entries.add(parent.entry(Action.FAILED, "ApplySet parent: " + KubeResources.describe(e)));
            return new ApplyReport(key, entries);
        }
        ApplySet.Recorded superset = before.plus(wanted);
        entries.addAll(applier.ensureNamespaces(documents, namespace)); // the parent lives in the kube namespace
        if (!superset.equals(before)) {
            String problem = gate.allowed() ? set.write(superset) : NOT_LEADER;
            if (problem != null) {
                // Without the superset recorded, what this apply creates could never be pruned: apply nothing.
                entries.add(parent.entry(Action.FAILED, "ApplySet parent: " + problem));
                return new ApplyReport(key, entries);
            }
        }
        Set<ResourceRef> current = new LinkedHashSet<>();
        for (Map<String, Object> document : documents) {
            Entry entry = applier.apply(document);
            entries.add(entry);
            current.add(ResourceRef.of(entry));
        }
        pruner.prune(key, set, superset, wanted, current, manifest, namespace, stillCurrent, entries);
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
        List<Entry> entries = new ArrayList<>(applier.ensureNamespaces(documents));
        documents.forEach(document -> entries.add(applier.apply(document)));
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
        return readiness.missingOrNotReady(documents);
    }

    /**
     * Computes a document's version: the hash of its content, which an apply compares to skip unchanged resources.
     *
     * @param document a resolved document
     * @return the hash of its content without the version label (16 hex digits)
     */
    public static String version(Map<String, Object> document) {
        return VersionLabel.hash(document);
    }

    private static int order(Map<String, Object> document) {
        return switch (String.valueOf(document.get("kind"))) {
            case "Namespace" -> 0;
            case "CustomResourceDefinition" -> 1;
            case "ServiceAccount", "ClusterRole", "Role", "ConfigMap", "Secret", "PersistentVolumeClaim" -> 2;
            default -> 3;
        };
    }
}
