package io.jsorc.action;

import java.time.Instant;

/**
 * Where a module runs now.
 *
 * @param name           the module name
 * @param mode           the placement calls are routed to, or {@code null} when not loaded
 * @param localLoaded    whether an in-process copy is loaded
 * @param remoteUrl      the remote server's URL, or {@code null}
 * @param remoteStatus   {@code STARTING}, {@code READY}, {@code FAILED}, or {@code null}
 * @param loadedAt       when the current placement was loaded
 * @param memoryEstimateMb the declared in-process memory ({@code local_mem_mb})
 * @param detail         the last remote failure, or {@code null}
 */
public record ActionStatus(String name, ActionMode mode, boolean localLoaded, String remoteUrl, String remoteStatus,
                           Instant loadedAt, long memoryEstimateMb, String detail) {

    /**
     * Describes a configured module that is not loaded (never, or not any more).
     *
     * @param name the module name
     * @return a status with no mode, no placement and the detail {@code not loaded}
     */
    public static ActionStatus unloaded(String name) {
        return new ActionStatus(name, null, false, null, null, null, 0, "not loaded");
    }
}
