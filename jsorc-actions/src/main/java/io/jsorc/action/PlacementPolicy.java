package io.jsorc.action;

import java.util.Map;

/**
 * Decides where action modules run. The action manager calls {@link #tick} from its policy daemon
 * ({@code jsorc-action-policy}); a policy never runs on a caller's thread.
 */
public interface PlacementPolicy {

    /** {@return the policy's name} */
    String name();

    /** {@return the parameters in force} */
    Map<String, Object> parameters();

    /**
     * One step of the policy: measure, decide, move modules.
     *
     * @param manager the manager to read (benchmark, status) and move modules with
     * @throws InterruptedException when the daemon is stopped
     */
    void tick(ActionManager manager) throws InterruptedException;
}
