package io.jsorc.kube.replicas;

import io.jsorc.Orchestrator;
import io.jsorc.config.MemoryHook;

/** The one configuration every replica of the replicas tests uses: same manifest, same lease, its own user agent. */
public final class ReplicaConfig {

    /** 2 s lease, 1 s renew deadline, 0.5 s retry period: the failover numbers. */
    public static final String ELECTION = "{\"mode\": \"kube\", \"lease_duration_ms\": 2000, "
            + "\"renew_deadline_ms\": 1000, \"retry_period_ms\": 500, \"app\": \"replicas\"}";

    private ReplicaConfig() {
    }

    /**
     * Returns a builder for one replica.
     *
     * @param apiUrl the API server
     * @param name   the replica's name: its user agent is {@code jsorc/<name>}
     * @return the builder
     */
    public static Orchestrator.Builder builder(String apiUrl, String name) {
        return Orchestrator.builder().scanPackages().register(Replicated.class).hook(new MemoryHook())
                .config("KUBE_CONFIG", "{\"enabled\": true, \"automated\": true, \"namespace\": \"jsorc\", "
                        + "\"in_cluster\": false, \"base_path\": \"" + apiUrl + "\", \"timeout_ms\": 3000, "
                        + "\"user_agent\": \"jsorc/" + name + "\"}")
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("REPLICATED_CONFIG", "{\"enabled\": true, \"automated\": true}")
                .config("REPLICATED_MANIFEST", Replicated.MANIFEST)
                .config("JSORC_CONFIG", "{\"backoff_interval\": 1, \"pre_loaded_services\": [\"kube\"], "
                        + "\"leader_election\": " + ELECTION + "}");
    }
}
