/**
 * The wiring of one orchestrator: {@link io.jsorc.runtime.Assembly} builds the registry, config store, service table,
 * component scope, manifest gateway and regeneration loop, and is the {@link io.jsorc.ComponentContext} components
 * receive.
 *
 * <p>May depend on every core package except the facade; only the facade depends on it.
 */
package io.jsorc.runtime;
