package io.jsorc.action;

import io.jsorc.ComponentContext;
import io.jsorc.action.policy.PlacementBoard;
import io.jsorc.action.policy.PolicyRunner;
import io.jsorc.cluster.Leadership;
import io.jsorc.config.Hook;

/**
 * How an action manager shares placement with the host's other replicas: through the orchestrator's
 * {@link Leadership} (an election runs unless its mode is {@code none}) and a {@link PlacementBoard} in its config
 * store.
 */
final class LeaderReplication implements PolicyRunner.Replication {

    private final ComponentContext context;
    private final PlacementBoard board;
    private volatile Hook hook;

    LeaderReplication(ComponentContext context) {
        this.context = context;
        this.board = new PlacementBoard(this::hook);
    }

    private Hook hook() {
        Hook current = hook;
        if (current == null) {
            current = context.src("hook", Hook.class);
            hook = current;
        }
        return current;
    }

    @Override
    public boolean shared() {
        return !"none".equals(Leadership.of(context).mode());
    }

    @Override
    public boolean leads() {
        return Leadership.of(context).isLeader();
    }

    @Override
    public String identity() {
        return Leadership.of(context).identity().orElse("");
    }

    @Override
    public long term() {
        return Leadership.of(context).fencingToken();
    }

    @Override
    public PlacementBoard board() {
        return board;
    }
}
