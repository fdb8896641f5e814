/**
 * The action manager and its public API: action modules ({@link io.jsorc.action.ActionModule}) loaded in-process or
 * remote, calls routed to their placement, placement policies, call tracking and request benchmarks.
 *
 * <p>Depends on the core's bottom types, {@code io.jsorc.base}, {@code io.jsorc.metrics} and {@code io.jsorc.config};
 * never on the facade ({@code Orchestrator}, {@code JsOrc}).
 */
package io.jsorc.action;
