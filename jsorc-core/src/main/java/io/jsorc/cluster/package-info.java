/**
 * The way to the cluster: the {@link io.jsorc.cluster.ManifestApplier} SPI, what an applier gets ({@link
 * io.jsorc.cluster.ApplyContext}) and the gateway behind {@code applyYaml}, {@code loadYaml} and {@code readSecret};
 * and who may write to it: the {@link io.jsorc.cluster.LeaderElection} SPI (a Kubernetes Lease in {@code jsorc-kube},
 * a Redis lease in {@code jsorc-services}), its {@link io.jsorc.cluster.ElectionSettings} and the per-orchestrator
 * {@link io.jsorc.cluster.Leadership}.
 *
 * <p>Depends on the bottom types, {@code io.jsorc.manifest}, {@code io.jsorc.config}, {@code io.jsorc.registry} and
 * {@code io.jsorc.metrics}.
 */
package io.jsorc.cluster;
