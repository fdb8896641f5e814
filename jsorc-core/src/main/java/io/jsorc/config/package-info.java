/**
 * The layered config store: a backend ({@link io.jsorc.config.Hook}, resolved once per orchestrator) in front of
 * defaults from builder overrides and classpath resources, with placeholders resolved.
 *
 * <p>Depends on the bottom types, {@code io.jsorc.base} and {@code io.jsorc.manifest}.
 */
package io.jsorc.config;
