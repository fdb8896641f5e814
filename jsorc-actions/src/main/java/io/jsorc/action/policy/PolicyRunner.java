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
 * <p>When the host's replicas elect a leader ({@link #replicate}), placement is shared through the
 * {@link PlacementBoard}: a policy chosen on any replica is published there, only the leader runs it and publishes
 * the placements it applies, and the followers move their modules as published ({@link ReplicaPlacements}).
 *
 * <p>Internal to the action manager; public only so that {@code io.jsorc.action} can use it.
 */
public final class PolicyRunner {

    private static final Logger log = LoggerFactory.getLogger(PolicyRunner.class);
    /** Set by {@link #stop()}: the runner starts no daemon after it. */
    private boolean stopped;

    /** How this replica shares placement with the others. */
    public interface Replication {

        /** {@return whether replicas share placement now (an election runs); {@code false} for a lone host} */
        boolean shared();

        /** {@return whether this replica leads now} */
        boolean leads();

        /** {@return this replica's identity, for the board} */
        String identity();

        /** {@return the leader's fencing token while leading} */
        long term();

        /** {@return the board the replicas share} */
        PlacementBoard board();
    }

    private final PlacementControl control;
    private volatile PlacementPolicy policy = DefaultPolicy.INSTANCE;
    private volatile Thread thread;
    private volatile ReplicaPlacements replicas;

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
     * Shares placement with the host's other replicas when they elect a leader: starts the daemon that runs the
     * policy on the leader and follows the board elsewhere. Does nothing when {@code replication.shared()} is
     * {@code false} (a lone host keeps its policy to itself). Idempotent.
     *
     * @param replication how this replica shares placement
     */
    public void replicate(Replication replication) {
        if (replicas != null || !replication.shared()) {
            return; // every load() asks: answered without the lock a policy switch holds
        }
        synchronized (this) {
            if (replicas != null || stopped) {
                return; // stopped: a load racing close() starts no placement daemon
            }
            Thread local = thread;
            thread = null;
            DaemonThreads.interruptAndJoin(local, Duration.ofSeconds(10));
            replicas = new ReplicaPlacements(this, control, replication);
            replicas.start(policy);
        }
    }

    /**
     * Puts a policy in force, stopping the one before. Among replicas that elect a leader, the choice is published
     * for every replica and runs on the leader.
     *
     * @param name   {@code Default}, {@code Evaluation} or {@code Adaptive}
     * @param params its parameters
     * @throws IllegalArgumentException naming the known policies when the name is unknown
     * @throws IllegalStateException    when the choice must be shared and the config store could not take it
     *                                  (nothing changed then)
     */
    public synchronized void select(String name, Map<String, Object> params) {
        if (stopped) {
            // A choice racing the manager's close(): no daemon is started that nothing would stop.
            throw new IllegalStateException("Placement policy " + name + " not set: the action manager is closed");
        }
        PlacementPolicy chosen = build(name, params);
        ReplicaPlacements shared = replicas;
        if (shared != null) {
            shared.publish(name, params == null ? Map.of() : params, chosen);
            return;
        }
        stopLocal();
        policy = chosen;
        if (chosen != DefaultPolicy.INSTANCE) {
            long tick = tickMillis(params == null ? Map.of() : params);
            thread = DaemonThreads.start("jsorc-action-policy", () -> run(chosen, tick));
        }
    }

    /** The names {@link #select} takes. */
    public static final java.util.Set<String> NAMES = java.util.Collections.unmodifiableSet(
            new java.util.TreeSet<>(java.util.List.of("Adaptive", "Default", "Evaluation")));

    /** Builds a policy by name; the {@link DefaultPolicy} for {@code Default}. */
    static PlacementPolicy build(String name, Map<String, Object> params) {
        Map<String, Object> values = params == null ? Map.of() : params;
        return switch (String.valueOf(name)) {
            case "Default" -> DefaultPolicy.INSTANCE;
            case "Evaluation" -> new EvaluationPolicy(values);
            case "Adaptive" -> new AdaptivePolicy(values);
            default -> throw new IllegalArgumentException("Unknown placement policy '" + name
                    + "'; known policies: " + NAMES);
        };
    }

    static long tickMillis(Map<String, Object> params) {
        return Math.max(10, (long) EvaluationPolicy.number(params, "tick_ms", 200));
    }

    /** Puts a policy in force without starting anything (the shared daemon runs it). */
    void adopt(PlacementPolicy chosen) {
        policy = chosen;
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
     * @return {@code name} and {@code params} (with the policy's state); among replicas also {@code role}
     * ({@code leader}: runs the policy, {@code follower}: follows the published placements)
     */
    public Map<String, Object> describe() {
        PlacementPolicy current = policy;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", current.name());
        out.put("params", current.parameters());
        ReplicaPlacements shared = replicas;
        if (shared != null) {
            out.put("role", shared.role());
        }
        return out;
    }

    private void run(PlacementPolicy chosen, long tickMillis) {
        io.jsorc.lifecycle.FailureLog failures = new io.jsorc.lifecycle.FailureLog();
        String step = "Placement policy " + chosen.name();
        while (policy == chosen && !Thread.currentThread().isInterrupted()) {
            try {
                chosen.tick(control);
                if (failures.recovered(step)) {
                    log.info("{} works again", step);
                }
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The same failure each tick (17 modules, say): one WARN, then DEBUG with a count, not 5 a second.
                failures.log(log, step, e.toString());
                try {
                    Thread.sleep(tickMillis);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    private void stopLocal() {
        Thread runner = thread;
        thread = null;
        policy = DefaultPolicy.INSTANCE;
        DaemonThreads.interruptAndJoin(runner, Duration.ofSeconds(10));
    }

    /**
     * Stops the policy daemon (and the shared one) and puts the {@link DefaultPolicy} back in force; waits up to 10 s
     * for each daemon. Published choices stay on the board for the other replicas.
     */
    public synchronized void stop() {
        stopped = true;
        stopLocal();
        ReplicaPlacements shared = replicas;
        replicas = null;
        if (shared != null) {
            shared.stop();
        }
    }
}
