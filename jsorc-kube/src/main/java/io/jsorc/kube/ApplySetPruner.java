package io.jsorc.kube;

import io.jsorc.base.Json;
import io.jsorc.manifest.ApplyReport.Action;
import io.jsorc.manifest.ApplyReport.Entry;
import io.jsorc.manifest.Manifest;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.options.PatchOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Deletes what a manifest key applied earlier and its manifest no longer has, ApplySet style: the candidates are the
 * members of the key's {@link ApplySet} (by label, in the kinds and namespaces its parent records) and, once, what an
 * old client-side {@link ApplyHistory} listed for the key. Data-holding kinds ({@link KubeResources#DATA_KINDS}) are
 * deleted only with the unsafe paraphrase ({@value ResourceSync#UNSAFE_PARAPHRASE}), else kept and reported; a kept
 * resource the history listed is adopted (labelled as a member) before the history forgets the key. Every write
 * passes the {@link WriteGate}: once refused, nothing more is deleted, adopted or narrowed (the next leader prunes).
 */
final class ApplySetPruner {

    /** Logs under {@link ResourceSync}: the category an operator already configures for applies. */
    private static final Logger log = LoggerFactory.getLogger(ResourceSync.class);

    private final KubeResources resources;
    private final ApplyHistory history;
    private final WriteGate gate;

    /** A pruner that migrates {@code history} (may be {@code null}: no old history to migrate). */
    ApplySetPruner(KubeResources resources, ApplyHistory history, WriteGate gate) {
        this.resources = resources;
        this.history = history;
        this.gate = gate;
    }

    /**
     * Deletes what the set's members and the old history hold beyond {@code current}, adopts what the history listed
     * and was kept, and narrows the parent to what remains; {@code entries} gets one entry per candidate.
     */
    void prune(String key, ApplySet set, ApplySet.Recorded superset, ApplySet.Recorded wanted,
               Set<ResourceRef> current, Manifest manifest, String namespace, BooleanSupplier stillCurrent,
               List<Entry> entries) {
        if (gate.refused()) {
            return; // no longer the leader: the next leader prunes
        }
        Set<ResourceRef> candidates = new LinkedHashSet<>();
        List<ResourceRef> migrated = history == null ? List.of() : history.previous(key);
        candidates.addAll(migrated);
        try {
            candidates.addAll(set.members(superset));
        } catch (RuntimeException e) {
            entries.add(set.parent().entry(Action.FAILED,
                    "listing the ApplySet's members: " + KubeResources.describe(e) + "; nothing pruned"));
            return;
        }
        candidates.removeAll(current);
        if (!candidates.isEmpty() && !stillCurrent.getAsBoolean()) {
            log.info("Not pruning {}: a newer manifest was stored meanwhile; its apply prunes", key);
            return;
        }
        boolean unsafe = manifest.unsafeParaphrase().map(ResourceSync.UNSAFE_PARAPHRASE::equals).orElse(false);
        List<ResourceRef> kept = new ArrayList<>();
        for (ResourceRef candidate : candidates) {
            Entry entry = deleteOne(candidate, unsafe);
            entries.add(entry);
            if (entry.action() == Action.KEPT_PROTECTED || entry.action() == Action.FAILED) {
                kept.add(candidate); // still ours: a later apply may delete it
            }
        }
        if (gate.refused()) {
            return;
        }
        boolean adopted = true;
        for (ResourceRef old : kept) {
            if (migrated.contains(old) && !adopt(old, set)) {
                adopted = false;
            }
        }
        ApplySet.Recorded exact = wanted.plus(ApplySet.Recorded.of(kept, namespace));
        // A set left with nothing loses its parent too (also one an earlier version left recording nothing): a
        // retired key leaves nothing in the cluster.
        boolean change = exact.isEmpty() ? set.parentExists() : !exact.equals(superset);
        if (change && gate.allowed()) {
            String problem = exact.isEmpty() ? set.deleteIfStill(superset) : set.write(exact);
            if (problem != null) {
                log.warn("Could not {} ApplySet {} of {}: {} (the next apply retries)",
                        exact.isEmpty() ? "remove the emptied" : "narrow", set.id(), key, problem);
            }
        }
        if (history != null && !migrated.isEmpty() && adopted) {
            history.forget(key); // adopted: every resource it listed is current, gone, or labelled as a member
        }
    }

    /** Labels a resource an old history listed (and that was kept) as a member, so later prunes find it. */
    private boolean adopt(ResourceRef ref, ApplySet set) {
        if (!gate.allowed()) {
            return false;
        }
        try {
            String patch = Json.write(Map.of("metadata", Map.of("labels", set.memberLabels())));
            KubernetesApiResponse<DynamicKubernetesObject> patched = ref.patch(resources.api(ref.apiVersion(),
                    ref.kind()), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, patch, new PatchOptions());
            return patched.isSuccess() || patched.getHttpStatusCode() == 404;
        } catch (RuntimeException e) {
            log.debug("Adopting {} into ApplySet {} failed: {}", ref, set.id(), KubeResources.describe(e));
            return false;
        }
    }

    private Entry deleteOne(ResourceRef ref, boolean unsafe) {
        if (KubeResources.DATA_KINDS.contains(ref.kind()) && !unsafe) {
            return ref.entry(Action.KEPT_PROTECTED, ref.kind() + " holds data: it is deleted only when the manifest "
                    + "carries the unsafe paraphrase");
        }
        if (!gate.allowed()) {
            return ref.entry(Action.FAILED, ResourceSync.NOT_LEADER);
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
            return ref.entry(Action.FAILED, KubeResources.describe(e));
        }
    }
}
