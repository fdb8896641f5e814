package io.jsorc.examples;

import io.jsorc.JsOrc;
import io.jsorc.Orchestrator;
import io.jsorc.services.redis.RedisHook;
import io.jsorc.services.redis.RedisService;
import io.jsorc.services.task.TaskResult;
import io.jsorc.services.task.TaskService;

import java.time.Duration;
import java.util.Map;

/**
 * The Redis-backed setup: config in Redis (it survives restarts and reaches every replica), tasks on a Redis Stream.
 * Runs when {@code REDIS_HOST} is set ({@code REDIS_PORT} defaults to 6379, {@code REDIS_DB} to 1).
 */
public final class RedisExample {

    private RedisExample() {
    }

    /**
     * Runs the Redis example, or says how to when {@code REDIS_HOST} is not set.
     *
     * @param args ignored
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        if (System.getenv("REDIS_HOST") == null) {
            System.out.println("Set REDIS_HOST (and REDIS_PORT) to run the Redis example, e.g. "
                    + "REDIS_HOST=127.0.0.1 ./scripts/example.sh -Dexec.mainClass=io.jsorc.examples.RedisExample");
            return;
        }
        Orchestrator orchestrator = Orchestrator.builder()
                .scanPackages("io.jsorc.examples")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 2, \"pre_loaded_services\": [\"redis\", \"task\"]}")
                .build();
        JsOrc.install(orchestrator);
        boolean ok;
        try {
            orchestrator.start();
            RedisService redis = JsOrc.svc("redis", RedisService.class);
            System.out.println("redis: " + redis.state() + " at " + redis.address());
            if (!redis.isRunning()) {
                System.out.println("Redis is not reachable: " + redis.error());
                ok = false;
            } else {
                System.out.println("hook: " + JsOrc.hook().getClass().getSimpleName());
                JsOrc.configSet("GREETER_CONFIG", "{\"enabled\": true, \"greeting\": \"Hello from Redis\", "
                        + "\"name\": \"replica\"}");
                System.out.println("GREETER_CONFIG in Redis: " + redis.hget(RedisHook.HASH, "GREETER_CONFIG"));
                System.out.println("greeter says: " + JsOrc.serviceRefresh("greeter").poke());

                TaskService tasks = JsOrc.svc("task", TaskService.class);
                tasks.register("shout", a -> String.valueOf(a.get("text")).toUpperCase(java.util.Locale.ROOT));
                String id = tasks.submit("shout", Map.of("text", "tasks run on a redis stream"));
                TaskResult result = tasks.await(id, Duration.ofSeconds(10));
                System.out.println("task " + tasks.backend() + " " + result.status() + ": " + result.result());
                ok = result.isDone();
            }
        } finally {
            JsOrc.shutdown();
        }
        System.out.println(ok ? "Redis example done" : "Redis example FAILED");
        if (!ok) {
            System.exit(1);
        }
    }
}
