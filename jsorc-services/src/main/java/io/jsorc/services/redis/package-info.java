/**
 * The {@code redis} service and the Redis config backend ({@link io.jsorc.services.redis.RedisHook}) that bootstraps
 * its own connection and hears replicas' changes.
 *
 * <p>Depends on the core below the facade.
 */
package io.jsorc.services.redis;
