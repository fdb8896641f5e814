/**
 * Repositories and contexts of one orchestrator: new instances, persisting instances, shared state, and the
 * instantiation rules.
 *
 * <p>Depends on the bottom types and {@code io.jsorc.registry}.
 */
package io.jsorc.component;
