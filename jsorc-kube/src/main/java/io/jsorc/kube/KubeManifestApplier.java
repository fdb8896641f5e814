package io.jsorc.kube;

import io.jsorc.CommonService;
import io.jsorc.manifest.Manifest;
import io.jsorc.ComponentContext;
import io.jsorc.cluster.ApplyContext;
import io.jsorc.manifest.ApplyReport;
import io.jsorc.cluster.Leadership;
import io.jsorc.cluster.ManifestApplier;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Secret;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The regeneration loop's {@link ManifestApplier} (registered with {@link java.util.ServiceLoader}): before a
 * service is restarted, its manifest is applied through the {@code kube} service and its workloads must be ready.
 * Without a running kube service the step is skipped (a developer machine has no cluster). It also reads the
 * secrets that operators create for a manifest's resources ({@code ComponentContext.readSecret}).
 */
public final class KubeManifestApplier implements ManifestApplier {

    /** Found by ServiceLoader. */
    public KubeManifestApplier() {
    }

    @Override
    public Readiness apply(String service, Manifest manifest, ApplyContext context) {
        ComponentContext orchestrator = context.components();
        CommonService<?> kubeService = orchestrator.svc("kube");
        if (!kubeService.isEnabled()) {
            return Readiness.skipped("the kube service is disabled (no cluster)");
        }
        KubeService kube = runningKube(orchestrator);
        if (kube == null) {
            // A cluster is configured but unreachable: never start the service against nothing.
            return Readiness.notReady("the kube service is " + kubeService.state()
                    + (kubeService.error() == null ? "" : ": " + kubeService.error().getMessage()));
        }
        String key = context.manifestKey();
        ResourceSync apply = new ResourceSync(kube.resources(), context.hook(), System::getenv, context::mayWrite)
                .app(ResourceSync.appOf(orchestrator));
        ApplyReport report = apply.apply(key, service, manifest, kube.namespace(), () -> stillStored(context,
                manifest));
        context.events().applied(report);
        if (!report.ok()) {
            return Readiness.notReady("applying " + key + " failed: " + report.failed());
        }
        List<Map<String, Object>> documents = apply.resolve(manifest, service, kube.namespace(), key);
        List<String> waiting = apply.notReady(documents);
        return waiting.isEmpty() ? Readiness.ready(report.counts().toString())
                : Readiness.notReady(String.join("; ", waiting));
    }

    /** A follower's check: everything in the manifest is there, in this replica's version, and ready. */
    @Override
    public Readiness check(String service, Manifest manifest, ApplyContext context) {
        ComponentContext orchestrator = context.components();
        CommonService<?> kubeService = orchestrator.svc("kube");
        if (!kubeService.isEnabled()) {
            return Readiness.skipped("the kube service is disabled (no cluster)");
        }
        KubeService kube = runningKube(orchestrator);
        if (kube == null) {
            return Readiness.notReady("the kube service is " + kubeService.state());
        }
        ResourceSync sync = new ResourceSync(kube.resources(), null, System::getenv, () -> false)
                .app(ResourceSync.appOf(orchestrator));
        List<String> problems = sync.missingOrNotReady(sync.resolve(manifest, service, kube.namespace(),
                context.manifestKey()));
        return problems.isEmpty() ? Readiness.ready("all resources there and ready")
                : Readiness.notReady(String.join("; ", problems));
    }

    @Override
    public ApplyReport load(Manifest manifest, String namespace, ApplyContext context) {
        ComponentContext orchestrator = context.components();
        KubeService kube = runningKube(orchestrator);
        if (kube == null) {
            throw new IllegalStateException("loadYaml needs the kube service running (KUBE_CONFIG enabled and "
                    + "reachable); it is " + orchestrator.svc("kube").state());
        }
        if (!context.mayWrite()) {
            throw new IllegalStateException("loadYaml writes to the cluster, which only the leader replica does; "
                    + "this replica is a follower (" + Leadership.of(orchestrator).describe() + "): call it on the "
                    + "leader");
        }
        ApplyReport report = new ResourceSync(kube.resources(), context.hook(), System::getenv, context::mayWrite)
                .load(manifest, namespace == null || namespace.isBlank() ? kube.namespace() : namespace);
        context.events().applied(report);
        return report;
    }

    @Override
    public Optional<Map<String, byte[]>> readSecret(String namespace, String name, ApplyContext context)
            throws ApiException {
        ComponentContext orchestrator = context.components();
        KubeService kube = runningKube(orchestrator);
        if (kube == null) {
            throw new IllegalStateException("reading secret " + name + " needs the kube service running (KUBE_CONFIG "
                    + "enabled and reachable); it is " + orchestrator.svc("kube").state());
        }
        String ns = namespace == null || namespace.isBlank() ? kube.namespace() : namespace;
        try {
            V1Secret secret = new CoreV1Api(kube.app()).readNamespacedSecret(name, ns).execute();
            Map<String, byte[]> data = secret.getData();
            return Optional.of(data == null ? Map.of() : Map.copyOf(data));
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Whether the manifest being applied is still the one stored (else a newer one was stored: do not prune). */
    private static boolean stillStored(ApplyContext context, Manifest manifest) {
        try {
            return context.configStore().read(context.manifestKey()).map(Manifest::fromMap)
                    .map(stored -> stored.toJson().equals(manifest.toJson())).orElse(true);
        } catch (RuntimeException e) {
            return false; // cannot tell: pruning waits for the next apply
        }
    }

    private static KubeService runningKube(ComponentContext orchestrator) {
        return KubeService.runningIn(orchestrator);
    }
}
