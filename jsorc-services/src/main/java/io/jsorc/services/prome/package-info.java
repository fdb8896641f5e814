/**
 * The {@code prome} service: Prometheus queries with typed results, and the pod metrics it offers through the core's
 * {@link io.jsorc.metrics.PodMetricsProvider} SPI.
 *
 * <p>Depends on the core below the facade.
 */
package io.jsorc.services.prome;
