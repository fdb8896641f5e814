package io.jsorc.action;

import io.jsorc.action.remote.RemotePlacement;

import java.time.Instant;

/**
 * One loaded module: its local copy and remote server (either may be absent) and the placement its calls go to.
 * Fields other than {@link #current} change only under the module's lock.
 */
final class LoadedModule {
    final String name;
    final ActionConfig config;
    private final ModuleTable table;
    volatile Placement current;
    LocalPlacement local;
    RemotePlacement remote;
    /** The placement last asked for: a server that comes up later takes calls only if it is still the one wanted. */
    ActionMode wanted;
    volatile Instant loadedAt = Instant.now();
    volatile long measuredMb;
    /** How often its remote server may be restarted; kept while the module stays in the table. */
    final RestartBudget budget;

    LoadedModule(String name, ActionConfig config, ModuleTable table) {
        this.name = name;
        this.config = config;
        this.table = table;
        this.budget = RestartBudget.of(config);
    }

    /** Sends the next calls to {@code placement} ({@code null}: none takes calls); reports a change. */
    void route(Placement placement) {
        Placement before = current;
        current = placement;
        if (before != placement) {
            table.routed(this, before, placement);
        }
    }

    /** Routes to the local copy, else to the remote server when it is READY, else nowhere. */
    void routeToRemaining() {
        route(local != null ? local : remote != null && remote.ready() ? remote : null);
    }

    ActionStatus status() {
        Placement routed = current;
        RemotePlacement r = remote;
        return new ActionStatus(name, routed == null ? null : routed.mode(), local != null,
                r == null ? null : r.url(), r == null ? null : r.status(), loadedAt, config.localMemMb(),
                r == null ? null : r.detail());
    }
}
