/**
 * The regeneration loop that keeps automated services alive: a work queue (reasons, coalescing, per-service backoff,
 * probe schedule) separate from the reconciler (examine, apply the manifest, refresh).
 *
 * <p>Depends on the bottom types, {@code io.jsorc.base}, {@code io.jsorc.manifest} and {@code io.jsorc.cluster}; it
 * sees services only through {@link io.jsorc.regen.RegenerationTarget}.
 */
package io.jsorc.regen;
