package io.jsorc.services.task;

import java.util.Map;

/** Runs one task. Register with {@link TaskService#register(String, TaskHandler)} or with {@link Task}. */
@FunctionalInterface
public interface TaskHandler {

    /**
     * Runs the task. Delivery is at least once (a task whose worker died runs again elsewhere after the visibility
     * timeout), so side effects should be idempotent; the result is recorded exactly once.
     *
     * @param args the task's arguments (JSON-compatible)
     * @return the result (JSON-compatible), may be {@code null}
     * @throws Exception a failure; retried up to {@code max_retries} with backoff
     */
    Object handle(Map<String, Object> args) throws Exception;
}
