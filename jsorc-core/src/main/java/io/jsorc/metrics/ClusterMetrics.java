package io.jsorc.metrics;

import java.time.Instant;
import java.util.Map;

/**
 * Per-pod resource use of a cluster, for system tracking. The {@code prome} service implements it over Prometheus;
 * the action manager's {@code trackSystemStart()} uses whichever running service named {@code prome} does.
 */
public interface ClusterMetrics {

    /**
     * Returns the resource use of each pod of a namespace over the {@code durationSeconds} before {@code timestamp}.
     *
     * @param namespace       a namespace
     * @param excludeProm     leave out the monitoring's own pods
     * @param timestamp       the end of the window
     * @param durationSeconds the window
     * @return pod -> metric ({@code cpu_utilization_cores}, {@code mem_utilization_bytes},
     * {@code network_recv_bytes}, {@code network_tran_bytes}) -> value
     */
    Map<String, Map<String, Double>> podInfo(String namespace, boolean excludeProm, Instant timestamp,
                                             long durationSeconds);
}
