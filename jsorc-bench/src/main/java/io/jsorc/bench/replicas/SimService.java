package io.jsorc.bench.replicas;

import io.jsorc.CommonService;
import io.jsorc.Service;
import io.jsorc.kube.KubeService;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;

/**
 * What each simulated replica runs: a service whose dependency is what its manifest applies (a ConfigMap standing in
 * for a Redis Deployment) and a process behind it ({@link #dependencyUp}: the Redis server itself). It runs while
 * both are there; an outage takes the process down (every replica's service fails) and deletes the ConfigMap (the
 * manifest must be applied again).
 */
@Service(name = "sim", manifest = "SIM_MANIFEST")
public class SimService extends CommonService<String> {

    /** The manifest: one ConfigMap. */
    public static final String MANIFEST = "{\"ConfigMap\": {\"sim-dependency\": {\"apiVersion\": \"v1\", "
            + "\"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"sim-dependency\"}, \"data\": {\"k\": \"v\"}}}}";

    /** Whether the dependency's process answers: shared by every replica in this JVM, as one Redis would be. */
    static volatile boolean dependencyUp = true;

    /** Built by the orchestrator. */
    public SimService() {
    }

    @Override
    protected String run() {
        if (!dependencyUp) {
            throw new IllegalStateException("the dependency does not answer");
        }
        if (!present()) {
            throw new IllegalStateException("ConfigMap sim-dependency is missing");
        }
        return "connected";
    }

    @Override
    public boolean healthy() {
        return dependencyUp && present();
    }

    private boolean present() {
        KubeService kube = context().svc("kube", KubeService.class);
        return new DynamicKubernetesApi("", "v1", "configmaps", kube.poke())
                .get(kube.namespace(), "sim-dependency").isSuccess();
    }
}
