package io.jsorc.action.policy;

import java.util.Map;

/** Leaves placement to the host: modules stay where {@code load} and {@code unload} put them. */
public final class DefaultPolicy implements PlacementPolicy {

    /** The one instance: the policy has no state. */
    public static final DefaultPolicy INSTANCE = new DefaultPolicy();

    private DefaultPolicy() {
    }

    @Override
    public String name() {
        return "Default";
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of();
    }

    @Override
    public void tick(PlacementControl control) {
        // manual placement only
    }
}
