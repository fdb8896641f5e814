package io.jsorc.regen;

import io.jsorc.CommonService;
import io.jsorc.manifest.Manifest;
import io.jsorc.Orchestrator;
import io.jsorc.ServiceState;
import io.jsorc.cluster.ManifestApplier;
import io.jsorc.fixtures.Fixtures;
import io.jsorc.fixtures.Fixtures.Broken;
import io.jsorc.fixtures.Fixtures.Flaky;
import io.jsorc.fixtures.Fixtures.Pulse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RegenerationTest {

    @Test
    void automatedServiceRecoversFastWhileANonAutomatedOneStaysFailed() {
        Flaky.ATTEMPTS.set(0);
        Flaky.fails = 3;
        Broken.ATTEMPTS.set(0);
        // backoff_interval 30 s: waiting 3 x backoff_interval would take 90 s; event trigger + backoff take < 1 s.
        try (Orchestrator o = Fixtures.builder(Flaky.class, Broken.class)
                .config("JSORC_CONFIG", "{\"backoff_interval\": 30, \"pre_loaded_services\": [\"flaky\", \"broken\"]}")
                .build()) {
            long t0 = System.nanoTime();
            o.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> o.svc("flaky").isRunning());
            long millis = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("flaky RUNNING after " + Flaky.ATTEMPTS.get() + " attempts in " + millis + " ms");
            assertThat(Flaky.ATTEMPTS.get()).isEqualTo(4);
            assertThat(o.svc("flaky").app()).isEqualTo("up after 4");

            CommonService<?> broken = o.svc("broken");
            assertThat(broken.state()).isEqualTo(ServiceState.FAILED);
            RegenerationReport report = o.regenerate();
            assertThat(o.svc("broken")).isSameAs(broken);
            assertThat(broken.state()).isEqualTo(ServiceState.FAILED);
            assertThat(Broken.ATTEMPTS.get()).isEqualTo(1);
            assertThat(report.entry("broken")).isEmpty(); // dropped from the queue by an earlier cycle
            assertThat(report.entry("flaky")).get().extracting(RegenerationReport.Entry::action)
                    .isEqualTo(RegenerationReport.Action.NONE);
        }
    }

    @Test
    void explicitRegenerateReportsWhatItDid() {
        Flaky.ATTEMPTS.set(0);
        Flaky.fails = 1;
        try (Orchestrator o = Fixtures.builder(Flaky.class).build()) {
            assertThat(o.svc("flaky").hasFailed()).isTrue();
            RegenerationReport report = o.regenerate();
            RegenerationReport.Entry entry = report.entry("flaky").orElseThrow();
            assertThat(entry.action()).isEqualTo(RegenerationReport.Action.REFRESHED);
            assertThat(entry.state()).isEqualTo(ServiceState.RUNNING);
            assertThat(entry.duration()).isPositive();
            assertThat(o.svc("flaky").isRunning()).isTrue();
        }
    }

    @Test
    void unhealthyRunningServiceIsRebuilt() {
        Pulse.alive = true;
        try (Orchestrator o = Fixtures.builder(Pulse.class).build()) {
            CommonService<?> first = o.svc("pulse");
            assertThat(o.regenerate().entry("pulse").orElseThrow().action()).isEqualTo(RegenerationReport.Action.NONE);
            Pulse.alive = false;
            RegenerationReport report = o.regenerate();
            assertThat(report.entry("pulse").orElseThrow().action()).isEqualTo(RegenerationReport.Action.REFRESHED);
            assertThat(first.state()).isEqualTo(ServiceState.FAILED);
            assertThat(first.error()).hasMessageContaining("health check");
            assertThat(o.svc("pulse")).isNotSameAs(first);
            Pulse.alive = true;
        }
    }

    @Test
    void manifestNotReadyDefersTheRestartUntilItIsReady() {
        Flaky.ATTEMPTS.set(0);
        Flaky.fails = 1;
        AtomicBoolean ready = new AtomicBoolean(false);
        List<String> applied = new CopyOnWriteArrayList<>();
        ManifestApplier applier = (service, manifest, orchestrator) -> {
            applied.add(service + ":" + manifest.resources().keySet());
            return ready.get() ? ManifestApplier.Readiness.ready("pods ready")
                    : ManifestApplier.Readiness.notReady("0/1 pods ready");
        };
        try (Orchestrator o = Fixtures.builder(ManifestFlaky.class).manifestAppliers(applier)
                .config("FLAKY_MANIFEST", "{\"Deployment\": {\"flaky\": {\"apiVersion\": \"apps/v1\","
                        + " \"kind\": \"Deployment\", \"metadata\": {\"name\": \"flaky\"}}}}")
                .build()) {
            CommonService<?> failed = o.svc("flaky");
            assertThat(failed.hasFailed()).isTrue();
            RegenerationReport.Entry waiting = o.regenerate().entry("flaky").orElseThrow();
            assertThat(waiting.action()).isEqualTo(RegenerationReport.Action.WAITING_FOR_MANIFEST);
            assertThat(waiting.detail()).contains("0/1 pods ready");
            assertThat(o.svc("flaky")).isSameAs(failed);
            ready.set(true);
            assertThat(o.regenerate().entry("flaky").orElseThrow().state()).isEqualTo(ServiceState.RUNNING);
            assertThat(applied).containsExactly("flaky:[Deployment]", "flaky:[Deployment]");
        }
    }

    /** Its second build (the loop's rebuild) waits until the test lets it go. */
    @io.jsorc.Service(name = "slowrebuild")
    public static class SlowRebuild extends CommonService<String> {
        static final AtomicInteger BUILDS = new AtomicInteger();
        static final java.util.concurrent.CountDownLatch IN_REBUILD = new java.util.concurrent.CountDownLatch(1);
        static final java.util.concurrent.CountDownLatch RELEASE = new java.util.concurrent.CountDownLatch(1);

        @Override
        protected String run() throws Exception {
            String host = String.valueOf(config().get("host"));
            if (BUILDS.incrementAndGet() == 2) {
                IN_REBUILD.countDown();
                RELEASE.await(); // the config changes meanwhile
            }
            return host;
        }
    }

    @Test
    void aRestartAskedForDuringARebuildIsNotLost() throws Exception {
        try (Orchestrator o = Fixtures.builder(SlowRebuild.class)
                .config("SLOWREBUILD_CONFIG", "{\"enabled\": true, \"automated\": true, \"host\": \"old\"}")
                .build()) {
            o.start();
            CommonService<?> first = o.svc("slowrebuild");
            first.markFailed(new IllegalStateException("connection lost")); // the loop rebuilds it
            assertThat(SlowRebuild.IN_REBUILD.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            // As when a replica changes the config: the rebuild under way has read the old one already.
            o.configUpdate("SLOWREBUILD_CONFIG", "host", "\"new\"");
            o.requestRestart("slowrebuild");
            SlowRebuild.RELEASE.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> "new".equals(o.svc("slowrebuild").app()));
            System.out.println("rebuilt on the new config after " + SlowRebuild.BUILDS.get() + " builds");
            assertThat(o.regeneration().queued()).doesNotContain("slowrebuild");
        }
    }

    /** Counts its health checks. */
    @io.jsorc.Service(name = "steady")
    public static class Steady extends CommonService<String> {
        static final AtomicInteger CHECKS = new AtomicInteger();

        @Override
        protected String run() {
            return "ok";
        }

        @Override
        public boolean healthy() {
            CHECKS.incrementAndGet();
            return isRunning();
        }
    }

    /** Never starts; counts its attempts. */
    @io.jsorc.Service(name = "down")
    public static class Down extends CommonService<String> {
        static final AtomicInteger ATTEMPTS = new AtomicInteger();

        @Override
        protected String run() {
            ATTEMPTS.incrementAndGet();
            throw new IllegalStateException("dependency down");
        }
    }

    @Test
    void aServiceBackingOffDoesNotHealthCheckTheOthersAtEveryProbe() throws Exception {
        Steady.CHECKS.set(0);
        Down.ATTEMPTS.set(0);
        try (Orchestrator o = Fixtures.builder(Steady.class, Down.class)
                .config("STEADY_CONFIG", "{\"enabled\": true, \"automated\": true}")
                .config("DOWN_CONFIG", "{\"enabled\": true, \"automated\": true, \"quiet\": true}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 30}").build()) {
            o.start();
            assertThat(o.svc("steady").isRunning()).isTrue();
            o.svc("down");
            Thread.sleep(3_000); // probes every 100 ms, retries from 100 ms doubling: the loop wakes often
            int checks = Steady.CHECKS.get();
            System.out.println("in 3 s: " + Down.ATTEMPTS.get() + " attempts of 'down', " + checks
                    + " health checks of 'steady' (backoff_interval 30 s)");
            assertThat(Down.ATTEMPTS.get()).as("the loop kept retrying 'down'").isGreaterThan(3);
            assertThat(checks).as("'steady' is checked once a backoff_interval, not at each wake").isLessThanOrEqualTo(1);
        }
    }

    @io.jsorc.Service(name = "flaky", manifest = "FLAKY_MANIFEST")
    public static class ManifestFlaky extends Flaky { }

    @Test
    void requestRestartRebuildsEvenANonAutomatedService() {
        AtomicInteger restarts = new AtomicInteger();
        try (Orchestrator o = Fixtures.builder(Fixtures.Simple.class)
                .listener((s, from, to, e) -> {
                    if (to == ServiceState.RESTART) {
                        restarts.incrementAndGet();
                    }
                }).build()) {
            o.start();
            CommonService<?> first = o.svc("simple");
            o.requestRestart("simple");
            assertThat(first.state()).isEqualTo(ServiceState.RESTART);
            await().atMost(Duration.ofSeconds(10)).until(() -> o.svc("simple") != first && o.svc("simple").isRunning());
            assertThat(restarts.get()).isEqualTo(1);
        }
    }

    /** Fails while its "server" is down; its probe says when the server is back. */
    @io.jsorc.Service(name = "gate")
    public static class Gate extends CommonService<String> {
        static volatile boolean open;
        static final AtomicInteger PROBES = new AtomicInteger();

        @Override
        protected String run() {
            if (!open) {
                throw new IllegalStateException("server down");
            }
            return "up";
        }

        @Override
        public boolean probe() {
            PROBES.incrementAndGet();
            return open;
        }
    }

    @Test
    void aProbeEndsTheBackoffAsSoonAsTheDependencyIsBack() throws Exception {
        Gate.open = false;
        Gate.PROBES.set(0);
        try (Orchestrator o = Fixtures.builder(Gate.class)
                .config("GATE_CONFIG", "{\"enabled\": true, \"automated\": true, \"quiet\": true}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 30, \"pre_loaded_services\": [\"gate\"]}")
                .build().start()) {
            Thread.sleep(4_000); // failures grow the backoff window to seconds
            assertThat(o.svc("gate").hasFailed()).isTrue();
            // Probed between attempts (about every 100 ms), not only at them — and no busy loop either.
            assertThat(Gate.PROBES.get()).isBetween(6, 120);
            long t0 = System.nanoTime();
            Gate.open = true;
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                    .until(() -> o.svc("gate").isRunning());
            long millis = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("gate RUNNING " + millis + " ms after its dependency came back");
            assertThat(millis).as("the backoff window (seconds by now) was cut short by the probe").isLessThan(2_500);
        }
    }

    /** Takes 2 s to build while {@code slow} is set. */
    @io.jsorc.Service(name = "sluggish")
    public static class Sluggish extends CommonService<String> {
        static volatile boolean slow;
        static volatile java.util.concurrent.CountDownLatch building = new java.util.concurrent.CountDownLatch(1);
        static volatile java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

        @Override
        protected String run() throws InterruptedException {
            if (slow) {
                building.countDown();
                release.await(30, java.util.concurrent.TimeUnit.SECONDS); // built only when the test says so
            }
            return "up";
        }
    }

    @io.jsorc.Service(name = "nimble")
    public static class Nimble extends Fixtures.Recorder { }

    @Test
    void aSlowRebuildDoesNotDelayAnotherServicesRecovery() throws Exception {
        Sluggish.slow = false;
        Sluggish.building = new java.util.concurrent.CountDownLatch(1);
        Sluggish.release = new java.util.concurrent.CountDownLatch(1);
        String automated = "{\"enabled\": true, \"automated\": true, \"quiet\": true}";
        try (Orchestrator o = Fixtures.builder(Sluggish.class, Nimble.class)
                .config("SLUGGISH_CONFIG", automated).config("NIMBLE_CONFIG", automated)
                .config("JSORC_CONFIG", "{\"backoff_interval\": 30, "
                        + "\"pre_loaded_services\": [\"sluggish\", \"nimble\"]}")
                .build().start()) {
            assertThat(o.svc("sluggish").isRunning()).isTrue();
            CommonService<?> nimble = o.svc("nimble");
            assertThat(nimble.isRunning()).isTrue();
            Sluggish.slow = true;
            o.svc("sluggish").markFailed(new IllegalStateException("expected by the test"));
            // Its rebuild now holds the service's slot until the test releases it.
            assertThat(Sluggish.building.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            nimble.markFailed(new IllegalStateException("expected by the test"));
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                    .until(() -> o.svc("nimble") != nimble && o.svc("nimble").isRunning());
            System.out.println("nimble RUNNING " + (System.nanoTime() - t0) / 1_000_000 + " ms after failing, while "
                    + "sluggish was still building");
            assertThat(Sluggish.release.getCount()).as("recovered while the other service's rebuild still runs")
                    .isOne();
            Sluggish.release.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> o.svc("sluggish").isRunning());
        } finally {
            Sluggish.slow = false;
            Sluggish.release.countDown();
        }
    }

    @Test
    void withoutTheEventTriggerTheLoopOnlyRunsOnItsInterval() throws Exception {
        Broken.ATTEMPTS.set(0);
        Broken.ATTEMPTED_AT.clear();
        try (Orchestrator o = Fixtures.builder(Broken.class)
                .config("BROKEN_CONFIG", "{\"enabled\": true, \"automated\": true, \"quiet\": true}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 1.5, \"pre_loaded_services\": [\"broken\"], "
                        + "\"event_trigger\": false}")
                .build().start()) {
            // The first start, then a cycle every 1.5 s: a fixed loop, neither event-driven nor probing. Only lower
            // bounds: on a loaded machine the gaps grow, and no attempt may come early.
            await().atMost(Duration.ofSeconds(20)).until(() -> Broken.ATTEMPTED_AT.size() >= 3);
            List<Long> at = List.copyOf(Broken.ATTEMPTED_AT);
            for (int i = 1; i < 3; i++) {
                long gap = (at.get(i) - at.get(i - 1)) / 1_000_000;
                System.out.println("attempt " + (i + 1) + " came " + gap + " ms after the one before");
                assertThat(gap).as("attempt %d waited for the interval", i + 1).isGreaterThanOrEqualTo(1_000);
            }
        }
    }

    @Test
    void manifestIsParsedAndGroupedByKindThenName() {
        Manifest m = Manifest.parseYaml("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n"
                + "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n---\n");
        assertThat(m.resources().keySet()).containsExactly("Service", "Deployment");
        assertThat(m.document("Deployment", "a")).isPresent();
        assertThat(Manifest.fromMap(m.withUnsafeParaphrase("I know what I'm doing!").toMap()).unsafeParaphrase())
                .contains("I know what I'm doing!");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Manifest.parseYaml("kind: X\nmetadata: {}\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("#1").hasMessageContaining("metadata.name");
    }
}
