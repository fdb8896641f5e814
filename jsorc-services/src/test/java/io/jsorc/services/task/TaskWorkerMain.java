package io.jsorc.services.task;

import io.jsorc.Orchestrator;
import io.jsorc.services.redis.RedisService;

/**
 * A worker in its own JVM (for the kill test): runs task {@code slow_incr}, which prints STARTED, works for 3 s, then
 * counts its completion in Redis. Runs until killed.
 */
public final class TaskWorkerMain {

    private TaskWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Orchestrator o = Orchestrator.builder()
                .config("REDIS_CONFIG", "{\"enabled\": true, \"automated\": true, \"host\": \"127.0.0.1\", \"port\": "
                        + port + ", \"db\": 0}")
                .config("TASK_CONFIG", TaskServiceRedisTest.taskConfig(1, 1000))
                .config("JSORC_CONFIG", "{\"backoff_interval\": 1, \"pre_loaded_services\": [\"redis\"]}")
                .build().start();
        TaskService tasks = o.svc("task", TaskService.class);
        tasks.register("slow_incr", TaskServiceRedisTest.slowIncr(o, 3000));
        System.out.println("READY " + tasks.backend());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    static RedisService redis(Orchestrator o) {
        return o.svc("redis", RedisService.class);
    }
}
