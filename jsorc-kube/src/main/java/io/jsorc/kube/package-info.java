/**
 * Kubernetes: the {@code kube} service (client-java), manifest apply with pruning history, the manifest applier and
 * secret reader behind the core's SPI, database regeneration, and the launcher that runs action modules in the
 * cluster.
 *
 * <p>Depends on the core below the facade and, optionally, on {@code io.jsorc.action}.
 */
package io.jsorc.kube;
