package io.jsorc.metrics;

import io.jsorc.Orchestrator;
import io.jsorc.ServiceState;
import io.jsorc.fixtures.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsOrcMetricsTest {

    @Test
    void pendingConfigWritesAreAGaugeReadFromTheBackend() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger(3);
        io.jsorc.config.MemoryHook buffering = new io.jsorc.config.MemoryHook() {
            @Override
            public int pendingCount() {
                return pending.get();
            }
        };
        try (Orchestrator o = Fixtures.builder(Fixtures.Simple.class).hook(buffering).build()) {
            new JsOrcMetrics(o).bindTo(registry);
            o.hook(); // the backend is created on first use
            assertThat(registry.get("jsorc.config.pending").gauge().value()).isEqualTo(3);
            pending.set(0);
            assertThat(registry.get("jsorc.config.pending").gauge().value()).isZero();
        }
    }

    @Test
    void theLeaderGaugeFollowsTheElection() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        io.jsorc.cluster.LeadershipTest.SwitchElection election = new io.jsorc.cluster.LeadershipTest.SwitchElection();
        try (Orchestrator alone = Fixtures.builder(Fixtures.Simple.class).build().start()) {
            SimpleMeterRegistry single = new SimpleMeterRegistry();
            new JsOrcMetrics(alone).bindTo(single);
            assertThat(single.get("jsorc.leader").gauge().value()).as("no election: it acts").isEqualTo(1);
        }
        try (Orchestrator o = Fixtures.builder(Fixtures.Simple.class).leaderElections(election)
                .config("JSORC_CONFIG", "{\"leader_election\": \"kube\"}").build().start()) {
            new JsOrcMetrics(o).bindTo(registry);
            assertThat(registry.get("jsorc.leader").gauge().value()).isZero();
            election.set(true);
            assertThat(registry.get("jsorc.leader").gauge().value()).isEqualTo(1);
            election.set(false);
            assertThat(registry.get("jsorc.leader").gauge().value()).isZero();
        }
    }

    @Test
    void statesTransitionsAndRegenerationAreMeasured() {
        Fixtures.Flaky.ATTEMPTS.set(0);
        Fixtures.Flaky.fails = 1;
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Orchestrator o = Fixtures.builder(Fixtures.Simple.class, Fixtures.Flaky.class).build()) {
            new JsOrcMetrics(o).bindTo(registry);
            assertThat(registry.get("jsorc.service.state").tag("service", "simple").gauge().value()).isEqualTo(-1);
            o.svc("simple");
            assertThat(registry.get("jsorc.service.state").tag("service", "simple").gauge().value())
                    .isEqualTo(ServiceState.RUNNING.ordinal());
            assertThat(o.svc("flaky").hasFailed()).isTrue();
            assertThat(registry.get("jsorc.service.transitions").tag("service", "flaky").tag("to", "FAILED")
                    .counter().count()).isEqualTo(1);
            o.regenerate();
            assertThat(registry.get("jsorc.regeneration").tag("service", "flaky").tag("action", "REFRESHED")
                    .tag("state", "RUNNING").timer().count()).isEqualTo(1);
            assertThat(registry.get("jsorc.service.state").tag("service", "flaky").gauge().value())
                    .isEqualTo(ServiceState.RUNNING.ordinal());

        }
    }

    @Test
    void closingTheBinderEndsItsSubscriptions() {
        SimpleMeterRegistry first = new SimpleMeterRegistry();
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        try (Orchestrator o = Fixtures.builder(Fixtures.Simple.class).build()) {
            JsOrcMetrics old = new JsOrcMetrics(o);
            old.bindTo(first);
            old.close(); // what a rebuilt metrics service does with its predecessor's binder
            new JsOrcMetrics(o).bindTo(second);
            o.svc("simple");
            MetricsEvents.of(o).dropped(new MetricsEvents.LogsDropped("app", 2));
            assertThat(first.find("jsorc.service.transitions").counters()).isEmpty();
            assertThat(first.find("jsorc.logs.dropped").counters()).isEmpty();
            assertThat(second.get("jsorc.service.transitions").tag("service", "simple").tag("to", "RUNNING")
                    .counter().count()).isEqualTo(1);
            assertThat(second.get("jsorc.logs.dropped").counter().count()).isEqualTo(2);
        }
    }
}
