package io.jsorc.bench.app.spring;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import redis.clients.jedis.RedisClient;

/** The Redis client bean, at {@code bench.redis.host}:{@code bench.redis.port} (as JsOrc's redis service). */
@Configuration
public class SpringRedisConfig {

    /** Built by Spring. */
    public SpringRedisConfig() {
    }

    /**
     * Connects (lazily, at the first command, as jedis does).
     *
     * @param env the environment
     * @return the client
     */
    @Bean(destroyMethod = "close")
    public RedisClient redisClient(Environment env) {
        return RedisClient.builder().hostAndPort(env.getProperty("bench.redis.host", "127.0.0.1"),
                Integer.parseInt(env.getProperty("bench.redis.port", "6379"))).build();
    }
}
