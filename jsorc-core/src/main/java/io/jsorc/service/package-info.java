/**
 * The service singletons of one orchestrator: slots built on first use, refreshed, restarted and discarded, and the
 * listeners of their transitions.
 *
 * <p>Depends on the bottom types, {@code io.jsorc.registry}, {@code io.jsorc.config}, {@code io.jsorc.component},
 * {@code io.jsorc.manifest}, {@code io.jsorc.cluster} and {@code io.jsorc.regen}.
 */
package io.jsorc.service;
