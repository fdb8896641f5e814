/**
 * JsOrc's API: the facade ({@link io.jsorc.Orchestrator}, {@link io.jsorc.JsOrc}) and the bottom types every other
 * package uses (the component annotations, {@link io.jsorc.CommonService} with its {@link io.jsorc.ServiceContext},
 * {@link io.jsorc.ComponentContext}, states, listeners, exceptions).
 *
 * <p>The bottom types depend only on {@code io.jsorc.base}, {@code io.jsorc.lifecycle} and {@code io.jsorc.manifest}.
 * The facade may depend on everything; nothing else depends on the facade.
 */
package io.jsorc;
