/**
 * What the action manager measures: calls per action and placement changes, request latencies (HdrHistogram), and
 * the system's resource use over time.
 *
 * <p>Depends on the core below the facade only.
 */
package io.jsorc.action.tracking;
