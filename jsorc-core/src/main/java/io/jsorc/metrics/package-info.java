/**
 * Metrics: the per-orchestrator event sink modules report to ({@link io.jsorc.metrics.MetricsEvents}), the Micrometer
 * binder ({@link io.jsorc.metrics.JsOrcMetrics}) and the cluster-metrics SPIs.
 *
 * <p>Depends on the bottom types and {@code io.jsorc.manifest}.
 */
package io.jsorc.metrics;
