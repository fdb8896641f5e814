package io.jsorc.kube.replicas;

import io.jsorc.Orchestrator;
import io.jsorc.config.MemoryHook;

/**
 * The one configuration every replica of the replicas tests uses: same manifests, same lease, its own user agent.
 * Each replica runs the {@code redis} service (jsorc-services) against one real {@code redis-server}, with the shipped
 * {@code REDIS_MANIFEST} (ConfigMap, PVC, Service, NetworkPolicy and Deployment {@code jsorc-redis}): the test plays
 * the cluster, so that server runs exactly while the Deployment exists.
 */
public final class ReplicaConfig {

    /** 2 s lease, 1 s renew deadline, 0.5 s retry period: the failover numbers. */
    public static final String ELECTION = "{\"mode\": \"kube\", \"lease_duration_ms\": 2000, "
            + "\"renew_deadline_ms\": 1000, \"retry_period_ms\": 500, \"app\": \"replicas\"}";

    private ReplicaConfig() {
    }

    /**
     * Returns a builder for one replica.
     *
     * @param apiUrl    the API server
     * @param name      the replica's name: its user agent is {@code jsorc/<name>}
     * @param redisPort the loopback port of the {@code redis-server} that stands for the Deployment's pod
     * @return the builder
     */
    public static Orchestrator.Builder builder(String apiUrl, String name, int redisPort) {
        // The config store stays in memory (the election is kube's): the outage is the redis service's, not the
        // store's, and every replica must still read its own manifests while Redis is down.
        return Orchestrator.builder().scanPackages().hook(new MemoryHook())
                .config("KUBE_CONFIG", "{\"enabled\": true, \"automated\": true, \"namespace\": \"jsorc\", "
                        + "\"in_cluster\": false, \"base_path\": \"" + apiUrl + "\", \"timeout_ms\": 3000, "
                        + "\"user_agent\": \"jsorc/" + name + "\"}")
                .config("REDIS_CONFIG", "{\"enabled\": true, \"automated\": true, \"host\": \"127.0.0.1\", "
                        + "\"port\": " + redisPort + ", \"db\": 0}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 1, \"pre_loaded_services\": [\"kube\", \"redis\"], "
                        + "\"leader_election\": " + ELECTION + "}");
    }
}
