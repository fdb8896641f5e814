package io.jsorc.examples;

import io.jsorc.test.RedisServer;
import io.jsorc.test.WithRedis;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the Redis example in its own JVM against a real redis-server, as REDIS_HOST users would. */
@WithRedis
class RedisExampleTest {

    @Test
    void redisExampleStoresConfigInRedisAndRunsATask(RedisServer server) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                RedisExample.class.getName()));
        builder.environment().put("REDIS_HOST", server.host());
        builder.environment().put("REDIS_PORT", String.valueOf(server.port()));
        builder.environment().put("REDIS_DB", "0");
        ChildProcess run = ChildProcess.run(builder, Duration.ofSeconds(60));
        String output = run.output();
        System.out.println(output);
        assertThat(run.ended()).as("the example ended within 60 s").isTrue();
        assertThat(run.exitCode()).isZero();
        assertThat(output).contains("hook: RedisHook", "Hello from Redis", "task redis SUCCESS: TASKS RUN ON A REDIS STREAM");
        assertThat(server.command("HEXISTS jsorc:global GREETER_CONFIG")).isEqualTo(":1");
    }
}
