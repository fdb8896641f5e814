/**
 * The way to the cluster: the {@link io.jsorc.cluster.ManifestApplier} SPI, what an applier gets ({@link
 * io.jsorc.cluster.ApplyContext}) and the gateway behind {@code applyYaml}, {@code loadYaml} and {@code readSecret}.
 *
 * <p>Depends on the bottom types, {@code io.jsorc.manifest}, {@code io.jsorc.config}, {@code io.jsorc.registry} and
 * {@code io.jsorc.metrics}.
 */
package io.jsorc.cluster;
