package io.jsorc.services.task;

import java.util.List;

/**
 * What the task service knows right now (Celery's {@code inspect}).
 *
 * @param scheduled the schedules with their next runs
 * @param active    tasks being run
 * @param reserved  tasks queued, not taken yet (retries included)
 */
public record TaskInspection(List<TaskBroker.ScheduleState> scheduled, List<TaskResult> active,
                             List<TaskResult> reserved) {

    /** Copies the lists. */
    public TaskInspection {
        scheduled = List.copyOf(scheduled);
        active = List.copyOf(active);
        reserved = List.copyOf(reserved);
    }
}
