/**
 * The {@code task} service: a task queue on Redis Streams (or in memory), handlers, retries and schedules.
 *
 * <p>Depends on the core below the facade and {@code io.jsorc.services.redis}.
 */
package io.jsorc.services.task;
