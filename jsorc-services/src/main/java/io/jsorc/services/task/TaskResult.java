package io.jsorc.services.task;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of one task.
 *
 * @param id        the task id returned by {@link TaskService#submit}
 * @param task      the task (handler) name
 * @param args      its arguments
 * @param status    where it stands
 * @param result    the handler's return value (JSON-compatible) when {@code SUCCESS}
 * @param error     the last failure, or {@code null}
 * @param attempts  how many times a worker started it
 * @param submitted when it was submitted
 * @param finished  when it reached {@code SUCCESS}/{@code FAILURE}, or {@code null}
 */
public record TaskResult(String id, String task, Map<String, Object> args, TaskStatus status, Object result,
                         String error, int attempts, Instant submitted, Instant finished) {

    /** {@return whether the status is final} */
    public boolean isDone() {
        return status.isDone();
    }

    static TaskResult disabled(String id) {
        return new TaskResult(id, null, Map.of(), TaskStatus.DISABLED, null,
                "The task service is not running", 0, null, null);
    }
}
