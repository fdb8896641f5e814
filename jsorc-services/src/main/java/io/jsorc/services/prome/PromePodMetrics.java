package io.jsorc.services.prome;

import io.jsorc.CommonService;
import io.jsorc.ComponentContext;
import io.jsorc.Service;
import io.jsorc.metrics.ClusterMetrics;
import io.jsorc.metrics.PodMetricsProvider;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Pod metrics from the running {@code prome} service, for the namespace in {@code KUBE_CONFIG} ({@code default}
 * when there is none): the cluster knowledge the action manager's system tracking used to carry itself.
 */
public final class PromePodMetrics implements PodMetricsProvider {

    /** Found with {@link java.util.ServiceLoader}. */
    public PromePodMetrics() {
    }

    @Override
    public Optional<PodMetrics> podInfo(ComponentContext context, Instant timestamp, long durationSeconds) {
        if (!context.components(Service.class).containsKey("prome")) {
            return Optional.empty();
        }
        CommonService<?> prome = context.svc("prome");
        if (!(prome instanceof ClusterMetrics cluster) || !prome.isRunning()) {
            return Optional.empty();
        }
        return Optional.of(new PodMetrics(cluster.podInfo(namespace(context), true, timestamp, durationSeconds),
                "prometheus"));
    }

    private static String namespace(ComponentContext context) {
        try {
            Object namespace = context.config("KUBE_CONFIG").orElse(Map.of()).get("namespace");
            return namespace == null ? "default" : String.valueOf(namespace);
        } catch (RuntimeException e) {
            return "default";
        }
    }
}
