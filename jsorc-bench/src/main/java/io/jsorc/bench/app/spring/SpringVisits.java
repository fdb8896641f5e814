package io.jsorc.bench.app.spring;

import org.springframework.stereotype.Component;
import redis.clients.jedis.RedisClient;

/** Spring's counterpart of {@link io.jsorc.bench.app.VisitService}: counts visits in Redis. */
@Component
public class SpringVisits {

    private final RedisClient redis;

    /**
     * Takes the client.
     *
     * @param redis the Redis client bean
     */
    public SpringVisits(RedisClient redis) {
        this.redis = redis;
    }

    /** {@return the visits counted so far, this one included} */
    public long hit() {
        return redis.incr("bench:app:visits");
    }
}
