package io.jsorc.examples;

import io.jsorc.test.RedisServer;
import io.jsorc.test.WithRedis;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the Redis example in its own JVM against a real redis-server, as REDIS_HOST users would. */
@WithRedis
class RedisExampleTest {

    @Test
    void redisExampleStoresConfigInRedisAndRunsATask(RedisServer server) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                RedisExample.class.getName())).redirectErrorStream(true);
        builder.environment().put("REDIS_HOST", server.host());
        builder.environment().put("REDIS_PORT", String.valueOf(server.port()));
        builder.environment().put("REDIS_DB", "0");
        Process process = builder.start();
        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ended) {
            process.destroyForcibly();
        }
        System.out.println(output);
        assertThat(ended).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(output).contains("hook: RedisHook", "Hello from Redis", "task redis SUCCESS: TASKS RUN ON A REDIS STREAM");
        assertThat(server.command("HEXISTS jsorc:global GREETER_CONFIG")).isEqualTo(":1");
    }
}
