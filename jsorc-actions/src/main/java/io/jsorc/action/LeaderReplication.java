package io.jsorc.action;

import io.jsorc.ComponentContext;
import io.jsorc.action.policy.PlacementBoard;
import io.jsorc.action.policy.PolicyRunner;
import io.jsorc.cluster.Leadership;
import io.jsorc.config.Hook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an action manager shares placement with the host's other replicas: through the orchestrator's
 * {@link Leadership} (an election runs unless its mode is {@code none}) and a {@link PlacementBoard} in its config
 * store.
 */
final class LeaderReplication implements PolicyRunner.Replication {

    private static final Logger log = LoggerFactory.getLogger(LeaderReplication.class);

    private final ComponentContext context;
    private final PlacementBoard board;
    private volatile boolean warned;

    LeaderReplication(ComponentContext context) {
        this.context = context;
        this.board = new PlacementBoard(this::hook);
    }

    /** The config store's backend (the orchestrator resolves it once). */
    private Hook hook() {
        return io.jsorc.config.ConfigStore.hookOf(context);
    }

    /**
     * Placement is shared when the replicas elect a leader and share the config store it is published in. An
     * election over a private store (in memory) cannot share it: each replica then places its own modules, and says
     * so once.
     */
    @Override
    public boolean shared() {
        if ("none".equals(Leadership.of(context).mode())) {
            return false;
        }
        if (hook().isShared()) {
            return true;
        }
        if (!warned) {
            warned = true;
            log.warn("The replicas elect a leader ({}), but the config store is private ({}): placement policies run "
                    + "on every replica alone; use a shared store (REDIS_CONFIG) to run them on the leader only",
                    Leadership.of(context).mode(), hook().describe());
        }
        return false;
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
