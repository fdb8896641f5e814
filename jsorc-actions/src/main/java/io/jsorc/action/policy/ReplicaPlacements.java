package io.jsorc.action.policy;

import io.jsorc.base.DaemonThreads;
import io.jsorc.lifecycle.FailureLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Shares placement among replicas that elect a leader, on one daemon ({@code jsorc-action-placement}): on the leader
 * it ticks the policy in force and publishes the placements it applied on the {@link PlacementBoard}; on a follower it
 * ticks nothing and moves its loaded modules as the board says, so every replica routes calls alike. Each replica
 * adopts the policy last chosen on any of them (a new leader starts it afresh: a policy's measurements are its own).
 * Under the {@link DefaultPolicy} (placement by hand) nothing is published or followed.
 */
final class ReplicaPlacements {

    private static final Logger log = LoggerFactory.getLogger(ReplicaPlacements.class);
    /** How often a follower (or a leader under the default policy) reads the board. */
    private static final long FOLLOW_MILLIS = 500;
    /** The daemon's step, as its log lines name it. */
    private static final String STEP = "Shared placement";

    private final PolicyRunner runner;
    private final PlacementControl control;
    private final PolicyRunner.Replication replication;
    private final FailureLog failures = new FailureLog();
    private volatile Thread thread;
    private volatile boolean stopped;
    /** The board's policy choice this replica runs: a newer sequence number is adopted. */
    private long adoptedSeq = -1;
    /** Counts the choices made on this replica ({@link #publish}): a board read before one of them is stale. */
    private long publishes;
    private volatile long tickMillis = 200;
    private Map<String, String> lastPublished;
    private long lastTerm = -1;
    private volatile boolean leading;

    ReplicaPlacements(PolicyRunner runner, PlacementControl control, PolicyRunner.Replication replication) {
        this.runner = runner;
        this.control = control;
        this.replication = replication;
    }

    void start(PlacementPolicy current) {
        runner.adopt(current);
        thread = DaemonThreads.start("jsorc-action-placement", this::run);
    }

    /** Publishes a choice made on this replica; the daemon adopts it from the board like any other. */
    void publish(String name, Map<String, Object> params, PlacementPolicy chosen) {
        long seq = replication.board().publishPolicy(name, params);
        synchronized (this) {
            publishes++;
            if (seq > adoptedSeq) {
                adoptedSeq = seq;
                tickMillis = PolicyRunner.tickMillis(params);
                runner.adopt(chosen);
            }
        }
        log.info("Placement policy {} published for every replica; this replica {}", name,
                replication.leads() ? "leads and runs it" : "follows the leader's placements");
    }

    String role() {
        return leading ? "leader" : "follower";
    }

    private void run() {
        while (!stopped && !Thread.currentThread().isInterrupted()) {
            long sleep = FOLLOW_MILLIS;
            try {
                long mark;
                synchronized (this) {
                    mark = publishes;
                }
                PlacementBoard.Published board = replication.board().read().orElse(null);
                boolean leadsNow = replication.leads();
                // Coming to lead (again): the policy is built anew from the board, its measurements and phase its
                // own, not those of an object that ticked before this replica followed.
                adopt(board, leadsNow && !leading, mark);
                PlacementPolicy policy = runner.current();
                leading = leadsNow;
                if (leading) {
                    if (policy != DefaultPolicy.INSTANCE) {
                        policy.tick(control);
                        sleep = tickMillis;
                        publishPlacements();
                    }
                } else {
                    lastPublished = null;
                    if (policy != DefaultPolicy.INSTANCE && board != null) {
                        follow(board);
                    }
                }
                if (failures.recovered(STEP)) {
                    log.info("{} works again", STEP);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failures.log(log, STEP, e + " (" + role() + ")"); // an outage: one WARN, then DEBUG, not every loop
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Takes the board's policy choice when it differs from the one in force here, or builds the one in force anew
     * from it ({@code rebuild}) when the board still holds that choice.
     *
     * <p>A board without a choice (sequence 0) is skipped: that is also what a reader sees while the board is being
     * created (the store writes {@code {}} first), and read as "Default" it replaced the choice being published. A
     * board read before a choice made here since ({@link #publish}; {@code mark} is the count of those at the read)
     * is stale and skipped too: the policy in force was built at that choice, not carried over from following. Any
     * other sequence than the one in force is taken, a lower one included: the board was created anew (a config
     * store emptied) and counts its choices from 1 again.
     */
    private void adopt(PlacementBoard.Published board, boolean rebuild, long mark) {
        if (board == null || board.policySeq() == 0) {
            return;
        }
        synchronized (this) {
            if (publishes != mark || (board.policySeq() == adoptedSeq && !rebuild)) {
                return;
            }
            PlacementPolicy chosen;
            try {
                chosen = PolicyRunner.build(board.policyName(), board.policyParams());
            } catch (IllegalArgumentException e) {
                log.warn("Ignoring the placement policy published on the board: {}", e.getMessage());
                adoptedSeq = board.policySeq();
                return;
            }
            adoptedSeq = board.policySeq();
            tickMillis = PolicyRunner.tickMillis(board.policyParams());
            runner.adopt(chosen);
            lastPublished = null;
        }
    }

    /** The leader publishes what it applied, when it changed or the term is new (a new leader). */
    private void publishPlacements() {
        Map<String, String> now = control.placements();
        long term = replication.term();
        if (now.equals(lastPublished) && term == lastTerm) {
            return;
        }
        replication.board().publishPlacements(now, replication.identity(), term);
        lastPublished = now;
        lastTerm = term;
    }

    /** A follower moves the loaded modules the leader placed elsewhere. */
    private void follow(PlacementBoard.Published board) throws InterruptedException {
        Map<String, String> now = control.placements();
        List<String> moving = new ArrayList<>();
        Set<String> local = new TreeSet<>();
        for (String module : control.loadedModules()) {
            String wanted = board.placements().get(module);
            if (wanted != null && !Objects.equals(wanted, now.get(module))) {
                moving.add(module);
                if (wanted.equals("LOCAL")) {
                    local.add(module);
                }
            }
        }
        if (!moving.isEmpty()) {
            log.info("Following the leader's placement of {}: local {}", moving, local);
            control.place(moving, local);
        }
    }

    void stop() {
        stopped = true;
        Thread running = thread;
        thread = null;
        DaemonThreads.interruptAndJoin(running, Duration.ofSeconds(10));
    }
}
