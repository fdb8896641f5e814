package io.jsorc.services.task;

/** Where a submitted task stands. */
public enum TaskStatus {
    /** Queued, not taken by a worker yet. */
    PENDING,
    /** A worker runs it. */
    STARTED,
    /** Done; the result is set. */
    SUCCESS,
    /** Failed for good (no retries left, or no handler); the error is set. */
    FAILURE,
    /** Failed, waiting for its next attempt. */
    RETRY,
    /** The task service is not running: nothing can be said about the task. */
    DISABLED;

    /** {@return whether the status is final (SUCCESS or FAILURE)} */
    public boolean isDone() {
        return this == SUCCESS || this == FAILURE;
    }
}
