/**
 * The opt-in {@code metrics} service: a Prometheus scrape endpoint over {@link io.jsorc.metrics.JsOrcMetrics}.
 *
 * <p>Depends on the core below the facade.
 */
package io.jsorc.services.metrics;
