package io.jsorc.cluster;

import io.jsorc.Orchestrator;
import io.jsorc.ServiceState;
import io.jsorc.cluster.LeadershipTest.Db;
import io.jsorc.cluster.LeadershipTest.SwitchElection;
import io.jsorc.config.MemoryHook;
import io.jsorc.fixtures.Fixtures;
import io.jsorc.regen.RegenerationReport;
import io.jsorc.regen.RegenerationReport.Action;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service only followers use: they record that they wait for its manifest, and the leader, which never built the
 * service, applies it for them.
 */
class ManifestDemandTest {

    private static Orchestrator.Builder replica(LeadershipTest.RecordingApplier cluster, SwitchElection election,
                                                MemoryHook shared) {
        return Fixtures.builder(Db.class).hook(shared).manifestAppliers(cluster).leaderElections(election)
                .config("DB_MANIFEST", "{\"ConfigMap\": {\"db\": {\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\","
                        + " \"metadata\": {\"name\": \"db\"}}}}")
                .config("DB_CONFIG", "{\"enabled\": true, \"automated\": true}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 30, \"restart_jitter_ms\": 0, "
                        + "\"leader_election\": \"kube\"}");
    }

    @Test
    void theLeaderAppliesTheManifestOfAServiceOnlyAFollowerUsesWithoutBuildingIt() {
        MemoryHook shared = new MemoryHook(); // the store both replicas read and write
        LeadershipTest.RecordingApplier cluster = new LeadershipTest.RecordingApplier();
        SwitchElection leads = new SwitchElection("replica-a");
        leads.leader.set(true);
        SwitchElection follows = new SwitchElection("replica-b");
        Db.up = false;
        try (Orchestrator leader = replica(cluster, leads, shared).build().start();
             Orchestrator follower = replica(cluster, follows, shared).build().start()) {
            assertThat(follower.svc("db").hasFailed()).isTrue(); // its database is not deployed
            Db.up = true;
            RegenerationReport.Entry waiting = follower.regenerate().entry("db").orElseThrow();
            assertThat(waiting.action()).isEqualTo(Action.WAITING_FOR_LEADER);
            assertThat(new ManifestDemand(() -> shared, () -> "reader", System::currentTimeMillis).waiting())
                    .containsEntry("db", Set.of("replica-b"));

            RegenerationReport.Entry applied = leader.regenerate().entry("db").orElseThrow();

            assertThat(applied.action()).isEqualTo(Action.APPLIED_FOR_FOLLOWERS);
            assertThat(applied.state()).isEqualTo(ServiceState.NOT_STARTED);
            assertThat(cluster.writes).hasValue(1);
            assertThat(leader.status()).as("the leader built nothing").noneMatch(info -> info.name().equals("db"));
            // Started by this forced cycle, or by the follower's own loop just before it (then found healthy).
            RegenerationReport.Entry started = follower.regenerate().entry("db").orElseThrow();
            assertThat(started.action()).isIn(Action.REFRESHED, Action.NONE);
            assertThat(started.state()).isEqualTo(ServiceState.RUNNING);
            // In place: the next cycle checks and writes nothing.
            leader.regenerate();
            assertThat(cluster.writes).hasValue(1);
        }
    }

    @Test
    void aWaitForAServiceTheLeaderDoesNotRegisterIsDroppedNotRetriedForGood() {
        MemoryHook shared = new MemoryHook();
        LeadershipTest.RecordingApplier cluster = new LeadershipTest.RecordingApplier();
        SwitchElection leads = new SwitchElection("replica-a");
        leads.leader.set(true);
        try (Orchestrator leader = replica(cluster, leads, shared).build().start()) {
            // A follower of a newer build waits for a service this build has never heard of.
            new ManifestDemand(() -> shared, () -> "replica-b", System::currentTimeMillis).record("ghost");
            RegenerationReport.Entry dropped = leader.regenerate().entry("ghost").orElseThrow();
            assertThat(dropped.action()).isEqualTo(Action.DROPPED);
            assertThat(dropped.detail()).contains("no service 'ghost' is registered here");
            assertThat(leader.regeneration().queued()).doesNotContain("ghost");
            assertThat(cluster.writes).hasValue(0);
        }
    }

    @Test
    void aWaitNotRecordedAgainWithinAMinuteIsOverAndRecordingIsThrottled() {
        AtomicLong now = new AtomicLong(1_000_000);
        int[] writes = new int[1];
        MemoryHook hook = new MemoryHook() {
            @Override
            public String updateGlob(String key, java.util.function.UnaryOperator<String> change,
                                     io.jsorc.config.Durability durability) {
                writes[0]++;
                return super.updateGlob(key, change, durability);
            }
        };
        ManifestDemand follower = new ManifestDemand(() -> hook, () -> "replica-b", now::get);

        follower.record("db");
        now.addAndGet(ManifestDemand.REFRESH.toMillis() - 1);
        follower.record("db"); // within the refresh interval: not written again
        int afterTwo = writes[0];
        assertThat(afterTwo).as("one write for two records within the refresh interval").isEqualTo(1);
        assertThat(follower.waiting()).isEqualTo(Map.of("db", Set.of("replica-b")));

        now.addAndGet(ManifestDemand.STALE.toMillis());
        assertThat(follower.waiting()).as("not recorded again for a minute").isEmpty();
        follower.record("cache"); // a write prunes what is over
        assertThat(writes[0]).isGreaterThan(afterTwo);
        assertThat(hook.getGlob(ManifestDemand.KEY).orElseThrow()).doesNotContain("\"db\"").contains("cache");
    }
}
