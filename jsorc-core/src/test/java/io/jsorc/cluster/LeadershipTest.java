package io.jsorc.cluster;

import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import io.jsorc.Service;
import io.jsorc.ServiceState;
import io.jsorc.fixtures.Fixtures;
import io.jsorc.manifest.ApplyReport;
import io.jsorc.manifest.Manifest;
import io.jsorc.regen.RegenerationReport;
import io.jsorc.regen.RegenerationReport.Action;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Only the leader writes: followers check, leaders apply, restarts with an unchanged manifest write nothing. */
public class LeadershipTest {

    private static final String DB_CONFIG = "{\"enabled\": true, \"automated\": true}";
    private static final String MANIFEST = "{\"ConfigMap\": {\"db\": {\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\","
            + " \"metadata\": {\"name\": \"db\"}}}}";

    /** A service with a manifest that runs while {@link #up} says so. */
    @Service(name = "db", manifest = "DB_MANIFEST")
    public static class Db extends CommonService<String> {
        static volatile boolean up = true;

        @Override
        protected String run() {
            if (!up) {
                throw new IllegalStateException("db is down");
            }
            return "db";
        }

        @Override
        public boolean healthy() {
            return up;
        }
    }

    /** Records applies and checks; the cluster "has" the manifest once applied. */
    static final class RecordingApplier implements ManifestApplier {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final AtomicBoolean inCluster = new AtomicBoolean();
        final AtomicInteger writes = new AtomicInteger();

        @Override
        public Readiness apply(String service, Manifest manifest, ApplyContext context) {
            calls.add("apply");
            if (!context.mayWrite()) {
                return Readiness.notReady("not sent: not the leader");
            }
            writes.incrementAndGet();
            inCluster.set(true);
            return Readiness.ready("applied");
        }

        @Override
        public Readiness check(String service, Manifest manifest, ApplyContext context) {
            calls.add("check");
            return inCluster.get() ? Readiness.ready("there") : Readiness.notReady("ConfigMap db is not there yet");
        }

        @Override
        public ApplyReport load(Manifest manifest, String namespace, ApplyContext context) {
            if (!context.mayWrite()) {
                throw new IllegalStateException("loadYaml: only the leader writes");
            }
            writes.incrementAndGet();
            return new ApplyReport("load", List.of());
        }
    }

    /** An election whose outcome the test decides. */
    /** Public: the metrics test drives the jsorc.leader gauge with it. */
    public static final class SwitchElection implements LeaderElection {
        final AtomicBoolean leader = new AtomicBoolean();
        final String identity;
        volatile ElectionContext context;
        volatile boolean released;

        /** An election of replica {@code me-1234}. */
        public SwitchElection() {
            this("me-1234");
        }

        /**
         * An election of a named replica.
         *
         * @param identity this replica's holder identity
         */
        public SwitchElection(String identity) {
            this.identity = identity;
        }

        @Override
        public String mode() {
            return "kube";
        }

        @Override
        public boolean available(ElectionContext context) {
            return true;
        }

        @Override
        public LeaderLease campaign(ElectionContext context) {
            this.context = context;
            return new LeaderLease() {
                @Override
                public boolean isLeader() {
                    return leader.get();
                }

                @Override
                public boolean confirm() {
                    return leader.get();
                }

                @Override
                public long fencingToken() {
                    return leader.get() ? 1 : 0;
                }

                @Override
                public String identity() {
                    return identity;
                }

                @Override
                public Optional<String> observedHolder() {
                    return Optional.of(leader.get() ? identity : "other-5678");
                }

                @Override
                public void close() {
                    released = true;
                }
            };
        }

        /**
         * Decides the outcome and tells the orchestrator.
         *
         * @param leads whether this replica leads now
         */
        public void set(boolean leads) {
            leader.set(leads);
            context.leadershipChanged(leads);
        }
    }

    private static Orchestrator.Builder builder(RecordingApplier applier, SwitchElection election, String mode) {
        return Fixtures.builder(Db.class).manifestAppliers(applier).leaderElections(election)
                .config("DB_MANIFEST", MANIFEST).config("DB_CONFIG", DB_CONFIG)
                .config("JSORC_CONFIG", "{\"backoff_interval\": 30, \"restart_jitter_ms\": 0, "
                        + "\"leader_election\": \"" + mode + "\"}");
    }

    @Test
    void aFollowerWaitsForWhatTheLeaderAppliesAndNeverWrites() {
        Db.up = false;
        RecordingApplier applier = new RecordingApplier();
        SwitchElection election = new SwitchElection();
        try (Orchestrator o = builder(applier, election, "auto").build().start()) {
            assertThat(o.svc("db").hasFailed()).isTrue();
            Db.up = true;
            RegenerationReport.Entry waiting = o.regenerate().entry("db").orElseThrow();
            assertThat(waiting.action()).isEqualTo(Action.WAITING_FOR_LEADER);
            assertThat(waiting.detail()).contains("other-5678").contains("not there yet");
            assertThat(applier.calls).containsOnly("check");
            assertThatThrownBy(() -> o.loadYaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", "ns"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("only the leader");
            assertThat(applier.writes).hasValue(0);

            applier.inCluster.set(true); // the leader applied it
            RegenerationReport.Entry started = o.regenerate().entry("db").orElseThrow();
            assertThat(started.action()).isEqualTo(Action.REFRESHED);
            assertThat(started.state()).isEqualTo(ServiceState.RUNNING);
            assertThat(applier.writes).hasValue(0);
        }
        assertThat(election.released).isTrue();
    }

    @Test
    void aLeaderAppliesAndARestartWithAnUnchangedManifestWritesNothing() {
        Db.up = false;
        RecordingApplier applier = new RecordingApplier();
        SwitchElection election = new SwitchElection();
        election.leader.set(true);
        // Not started: no loop runs cycles in the background, so each forced cycle is the only one (and before
        // start() nothing campaigns: this replica writes, as the leader does).
        try (Orchestrator o = builder(applier, election, "kube").build()) {
            assertThat(o.svc("db").hasFailed()).isTrue();
            Db.up = true;
            assertThat(o.regenerate().entry("db").orElseThrow().action()).isEqualTo(Action.REFRESHED);
            assertThat(applier.writes).hasValue(1);
            applier.calls.clear();

            // A config change heard from another replica: the service restarts, the manifest is not re-applied.
            o.requestRestart("db");
            assertThat(o.regenerate().entry("db").orElseThrow().action()).isEqualTo(Action.REFRESHED);
            assertThat(applier.calls).containsExactly("check");
            assertThat(applier.writes).hasValue(1);

            // What it applied is gone (someone deleted it): a restart re-applies after all.
            applier.inCluster.set(false);
            applier.calls.clear();
            o.requestRestart("db");
            assertThat(o.regenerate().entry("db").orElseThrow().action()).isEqualTo(Action.REFRESHED);
            assertThat(applier.calls).containsExactly("check", "apply");
            assertThat(applier.writes).hasValue(2);

            // A changed manifest is applied at once.
            applier.calls.clear();
            o.applyYaml("db", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db2\n", null);
            assertThat(o.regenerate().entry("db").orElseThrow().action()).isEqualTo(Action.REFRESHED);
            assertThat(applier.calls).containsExactly("apply");
            assertThat(applier.writes).hasValue(3);
        }
    }

    @Test
    void losingTheLeaseStopsWritesAndANewLeaderRetriesAtOnce() {
        Db.up = false;
        RecordingApplier applier = new RecordingApplier();
        SwitchElection election = new SwitchElection();
        try (Orchestrator o = builder(applier, election, "auto").build().start()) {
            assertThat(o.svc("db").hasFailed()).isTrue();
            Db.up = true;
            assertThat(o.regenerate().entry("db").orElseThrow().action()).isEqualTo(Action.WAITING_FOR_LEADER);
            // Becoming leader forgets the backoff and triggers a cycle: the loop applies without a forced cycle.
            election.set(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> o.svc("db").isRunning());
            assertThat(applier.writes).hasValue(1);
            assertThat(Leadership.of(o).describe()).contains("this replica (me-1234) leads");
            election.set(false);
            assertThat(Leadership.of(o).isLeader()).isFalse();
            assertThat(Leadership.of(o).describe()).contains("follower me-1234, leader other-5678");
        }
    }

    @Test
    void modeNoneAndAutoWithoutABackendLetEveryReplicaWrite() {
        Db.up = true;
        RecordingApplier applier = new RecordingApplier();
        SwitchElection election = new SwitchElection();
        try (Orchestrator o = builder(applier, election, "none").build().start()) {
            assertThat(Leadership.of(o).mode()).isEqualTo("none");
            assertThat(Leadership.of(o).isLeader()).isTrue();
            assertThat(election.context).isNull();
            o.loadYaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", "ns");
            assertThat(applier.writes).hasValue(1);
        }
        try (Orchestrator o = Fixtures.builder(Db.class).manifestAppliers(applier).leaderElections()
                .config("DB_MANIFEST", MANIFEST).config("DB_CONFIG", DB_CONFIG).build().start()) {
            assertThat(Leadership.of(o).mode()).isEqualTo("none");
            assertThat(Leadership.of(o).confirm()).isTrue();
        }
    }

    @Test
    void anExplicitModeWithoutItsBackendFailsTheStartNamingIt() {
        RecordingApplier applier = new RecordingApplier();
        Orchestrator o = Fixtures.builder(Db.class).manifestAppliers(applier).leaderElections()
                .config("JSORC_CONFIG", "{\"leader_election\": {\"mode\": \"redis\"}}").build();
        assertThatThrownBy(o::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mode 'redis'").hasMessageContaining("jsorc-services");
        assertThat(o.isClosed()).isTrue();
    }

    @Test
    void restartRequestsWaitARandomDelayUpToTheJitter() {
        Db.up = true;
        RecordingApplier applier = new RecordingApplier();
        SwitchElection election = new SwitchElection();
        election.leader.set(true);
        try (Orchestrator o = Fixtures.builder(Db.class).manifestAppliers(applier).leaderElections(election)
                .config("DB_MANIFEST", MANIFEST).config("DB_CONFIG", DB_CONFIG)
                .config("JSORC_CONFIG", "{\"backoff_interval\": 30, \"restart_jitter_ms\": 1500}").build().start()) {
            CommonService<?> first = o.svc("db");
            long asked = System.nanoTime();
            o.requestRestart("db");
            await().atMost(Duration.ofSeconds(10)).until(() -> o.svc("db") != first && o.svc("db").isRunning());
            long tookMs = (System.nanoTime() - asked) / 1_000_000;
            System.out.println("restart with restart_jitter_ms 1500 took " + tookMs + " ms");
            assertThat(tookMs).isLessThan(9000);
        }
    }
}
