package io.jsorc.action.policy;

import io.jsorc.config.MemoryHook;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Placement shared among replicas, seen from one replica whose leadership the test decides. */
class ReplicaPlacementsTest {

    private final MemoryHook hook = new MemoryHook();
    private final PlacementBoard board = new PlacementBoard(() -> hook);
    private final AtomicBoolean leads = new AtomicBoolean();
    private final PolicyRunner runner = new PolicyRunner(new ScriptedControl());

    private final PolicyRunner.Replication replication = new PolicyRunner.Replication() {
        @Override
        public boolean shared() {
            return true;
        }

        @Override
        public boolean leads() {
            return leads.get();
        }

        @Override
        public String identity() {
            return "replica-1";
        }

        @Override
        public long term() {
            return 1;
        }

        @Override
        public PlacementBoard board() {
            return board;
        }
    };

    @AfterEach
    void stop() {
        runner.stop();
    }

    @Test
    void aFollowerThatComesToLeadRunsThePolicyBuiltAnewNotTheObjectItHeldWhileFollowing() {
        runner.replicate(replication);
        runner.select("Evaluation", Map.of("perf_phase", 100, "tick_ms", 20));
        PlacementPolicy whileFollowing = runner.current();
        assertThat(whileFollowing.name()).isEqualTo("Evaluation");
        await().atMost(Duration.ofSeconds(10)).until(() -> "follower".equals(runner.describe().get("role")));

        leads.set(true);

        await().atMost(Duration.ofSeconds(10)).until(() -> "leader".equals(runner.describe().get("role")));
        PlacementPolicy leading = runner.current();
        // Its measurements and phase start with its leadership: a policy object that sat idle while this replica
        // followed (its performance phase running on, its results stale) is not the one that runs.
        assertThat(leading).isNotSameAs(whileFollowing);
        assertThat(leading.name()).isEqualTo("Evaluation");
        assertThat(leading.parameters()).containsEntry("perf_phase", 100.0).containsEntry("evaluations", 0);
    }

    @Test
    void aLeaderKeepsThePolicyItRunsFromOneTickToTheNext() throws InterruptedException {
        leads.set(true);
        runner.replicate(replication);
        runner.select("Evaluation", Map.of("perf_phase", 100, "tick_ms", 20));
        await().atMost(Duration.ofSeconds(10)).until(() -> "leader".equals(runner.describe().get("role")));
        PlacementPolicy first = runner.current();
        // It publishes its placements after its ticks (on a loaded machine, some time after taking the role).
        await().atMost(Duration.ofSeconds(10)).until(() -> board.read().map(b -> "replica-1".equals(b.leader()))
                .orElse(false));

        Thread.sleep(300); // several more ticks at 20 ms

        assertThat(runner.current()).isSameAs(first);
    }

    @Test
    void aBoardWithoutAChoiceIsNotReadAsAChoiceOfDefault() throws InterruptedException {
        // What a reader sees while the board is being created: the store writes {} first, then the choice.
        hook.setGlob(PlacementBoard.KEY, "{}");
        runner.select("Evaluation", Map.of("perf_phase", 100, "tick_ms", 20)); // before sharing: in force here
        leads.set(true);
        runner.replicate(replication);
        await().atMost(Duration.ofSeconds(10)).until(() -> "leader".equals(runner.describe().get("role")));

        Thread.sleep(300); // several loops of the placement daemon

        assertThat(runner.current().name()).as("the choice in force, not a Default read from an empty board")
                .isEqualTo("Evaluation");
    }

    @Test
    void aReplicaTakesTheChoiceOfABoardCreatedAnewThoughItCountsFromOneAgain() {
        runner.replicate(replication);
        for (int i = 0; i < 3; i++) { // this replica's choices: sequence 3 in force
            runner.select("Evaluation", Map.of("perf_phase", 100, "tick_ms", 20));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> "follower".equals(runner.describe().get("role")));

        hook.deleteGlob(PlacementBoard.KEY); // the config store emptied; another replica then chooses anew
        board.publishPolicy("Default", Map.of());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(runner.current().name())
                .as("the board's choice, sequence 1").isEqualTo("Default"));
    }
}
