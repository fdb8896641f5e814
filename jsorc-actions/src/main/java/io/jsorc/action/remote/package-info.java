/**
 * Remote placements of action modules: the launcher SPI and its child-JVM implementation, the HTTP client of a
 * remote action server, and the starter that launches, parks and replaces servers.
 *
 * <p>Depends on {@code io.jsorc.action}'s types and the core below the facade.
 */
package io.jsorc.action.remote;
