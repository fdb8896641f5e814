package io.jsorc.action.policy;

import io.jsorc.base.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs the placement policy in force on a daemon of its own ({@code jsorc-action-policy}), one
 * {@link PlacementPolicy#tick} every {@code tick_ms} (default 200 ms), never on a caller's thread.
 *
 * <p>Internal to the action manager; public only so that {@code io.jsorc.action} can use it.
 */
public final class PolicyRunner {

    private static final Logger log = LoggerFactory.getLogger(PolicyRunner.class);

    private final PlacementControl control;
    private volatile PlacementPolicy policy = DefaultPolicy.INSTANCE;
    private volatile Thread thread;

    /**
     * Builds a runner with the {@link DefaultPolicy} in force.
     *
     * @param control what policies read and move modules with
     */
    public PolicyRunner(PlacementControl control) {
        this.control = control;
    }

    /**
     * Gives the control the policies run with.
     *
     * @return the control
     */
    public PlacementControl control() {
        return control;
    }

    /**
     * Puts a policy in force, stopping the one before.
     *
     * @param name   {@code Default}, {@code Evaluation} or {@code Adaptive}
     * @param params its parameters
     * @throws IllegalArgumentException naming the known policies when the name is unknown
     */
    public synchronized void select(String name, Map<String, Object> params) {
        Map<String, Object> values = params == null ? Map.of() : params;
        PlacementPolicy chosen = switch (String.valueOf(name)) {
            case "Default" -> DefaultPolicy.INSTANCE;
            case "Evaluation" -> new EvaluationPolicy(values);
            case "Adaptive" -> new AdaptivePolicy(values);
            default -> throw new IllegalArgumentException("Unknown placement policy '" + name
                    + "'; known policies: [Adaptive, Default, Evaluation]");
        };
        stop();
        policy = chosen;
        if (chosen != DefaultPolicy.INSTANCE) {
            long tick = Math.max(10, (long) EvaluationPolicy.number(values, "tick_ms", 200));
            thread = DaemonThreads.start("jsorc-action-policy", () -> run(chosen, tick));
        }
    }

    /**
     * Gives the policy in force.
     *
     * @return the policy ({@link DefaultPolicy} when none was chosen)
     */
    public PlacementPolicy current() {
        return policy;
    }

    /**
     * Describes the policy in force.
     *
     * @return {@code name} and {@code params} (with the policy's state)
     */
    public Map<String, Object> describe() {
        PlacementPolicy current = policy;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", current.name());
        out.put("params", current.parameters());
        return out;
    }

    private void run(PlacementPolicy chosen, long tickMillis) {
        while (policy == chosen && !Thread.currentThread().isInterrupted()) {
            try {
                chosen.tick(control);
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Placement policy {} failed a step: {}", chosen.name(), e.toString());
                try {
                    Thread.sleep(tickMillis);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Stops the policy daemon and puts the {@link DefaultPolicy} back in force; waits up to 10 s for the daemon. */
    public synchronized void stop() {
        Thread runner = thread;
        thread = null;
        policy = DefaultPolicy.INSTANCE;
        DaemonThreads.interruptAndJoin(runner, Duration.ofSeconds(10));
    }
}
