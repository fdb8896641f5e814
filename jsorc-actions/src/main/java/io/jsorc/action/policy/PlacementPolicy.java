package io.jsorc.action.policy;

import java.util.Map;

/**
 * Decides where action modules run. The {@link PolicyRunner} calls {@link #tick} from its daemon
 * ({@code jsorc-action-policy}); a policy never runs on a caller's thread.
 */
public interface PlacementPolicy {

    /**
     * Names the policy.
     *
     * @return its name, as {@link io.jsorc.action.ActionManager#policy(String, Map)} takes it
     */
    String name();

    /**
     * Describes the parameters in force.
     *
     * @return the parameters, with the policy's state
     */
    Map<String, Object> parameters();

    /**
     * Runs one step of the policy: measure, decide, move modules.
     *
     * @param control what the policy reads (modules, memory, benchmark) and moves modules with
     * @throws InterruptedException when the daemon is stopped
     */
    void tick(PlacementControl control) throws InterruptedException;
}
