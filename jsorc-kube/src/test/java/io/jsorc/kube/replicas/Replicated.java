package io.jsorc.kube.replicas;

import io.jsorc.CommonService;
import io.jsorc.Service;
import io.jsorc.kube.KubeService;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;

/**
 * A service every replica runs, whose dependency is the ConfigMap its manifest applies: it runs while the ConfigMap
 * exists, and is unhealthy once it is gone (the outage the replicas test forces).
 */
@Service(name = "replicated", manifest = "REPLICATED_MANIFEST")
public class Replicated extends CommonService<String> {

    /** The manifest every replica holds. */
    public static final String MANIFEST = "{\"ConfigMap\": {\"replicated-config\": {\"apiVersion\": \"v1\", "
            + "\"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"replicated-config\"}, \"data\": {\"k\": \"v\"}}}}";

    @Override
    protected String run() {
        if (!present()) {
            throw new IllegalStateException("ConfigMap replicated-config is missing");
        }
        return "connected";
    }

    @Override
    public boolean healthy() {
        return present();
    }

    private boolean present() {
        KubeService kube = context().svc("kube", KubeService.class);
        return new DynamicKubernetesApi("", "v1", "configmaps", kube.poke())
                .get(kube.namespace(), "replicated-config").isSuccess();
    }
}
