package io.jsorc.metrics;

import io.jsorc.ComponentContext;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Tells the per-pod resource use of the cluster JsOrc runs in, found with {@link java.util.ServiceLoader}. The
 * services module provides one over its {@code prome} service; the action manager's system tracking asks the
 * providers in turn and falls back to the JVM's own numbers when none can tell. Keeping this an SPI spares the
 * action manager any knowledge of which service measures the cluster or which namespace it runs in.
 */
public interface PodMetricsProvider {

    /**
     * Per-pod resource use over a window.
     *
     * @param pods   pod to metric ({@code cpu_utilization_cores}, {@code mem_utilization_bytes},
     *               {@code network_recv_bytes}, {@code network_tran_bytes}) to value
     * @param source where the numbers come from, for the reader of a report
     */
    record PodMetrics(Map<String, Map<String, Double>> pods, String source) { }

    /**
     * Measures the pods of the namespace this host runs in.
     *
     * @param context         the orchestrator asking
     * @param timestamp       the end of the window
     * @param durationSeconds the window
     * @return the numbers, or empty when this provider cannot tell now (its service is not running)
     * @throws RuntimeException when the source was asked and failed
     */
    Optional<PodMetrics> podInfo(ComponentContext context, Instant timestamp, long durationSeconds);
}
