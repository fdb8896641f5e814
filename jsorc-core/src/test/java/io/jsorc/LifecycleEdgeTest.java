package io.jsorc;

import io.jsorc.config.MemoryHook;
import io.jsorc.manifest.Manifest;
import io.jsorc.fixtures.Fixtures;
import io.jsorc.fixtures.RecordingApplier;
import io.jsorc.regen.RegenerationReport;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Races and failure paths around the lifecycle: closing mid-build, failing hooks, daemons of dead services. */
class LifecycleEdgeTest {

    /** Blocks in run() until released; spawns a daemon in postRun. */
    @Service(name = "gated")
    public static class Gated extends CommonService<String> {
        static volatile CountDownLatch entered = new CountDownLatch(1);
        static volatile CountDownLatch release = new CountDownLatch(1);

        @Override
        protected String run() throws InterruptedException {
            entered.countDown();
            release.await();
            return "gated";
        }

        @Override
        protected void postRun() {
            spawnDaemon("w", Fixtures.Worker::sleepUntilInterrupted);
        }
    }

    @Test
    void closeDuringAFirstBuildDiscardsWhatWasBuilt() throws Exception {
        Gated.entered = new CountDownLatch(1);
        Gated.release = new CountDownLatch(1);
        Orchestrator o = Fixtures.builder(Gated.class).config("GATED_CONFIG", "{\"enabled\": true}").build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<CommonService<?>> caller = pool.submit(() -> o.svc("gated"));
            assertThat(Gated.entered.await(10, TimeUnit.SECONDS)).isTrue();
            Future<?> closer = pool.submit(o::close);
            Thread.sleep(100); // close() now waits for the build
            assertThat(closer.isDone()).isFalse();
            Gated.release.countDown();
            closer.get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Orchestrator closed while service 'gated' was starting");
            await().atMost(Duration.ofSeconds(5)).until(() -> CloseTest.jsorcThreads().isEmpty());
        } finally {
            pool.shutdownNow();
        }
    }

    @Service(name = "mortal")
    public static class Mortal extends Fixtures.Recorder {
        static final AtomicBoolean OLD_DAEMON_ALIVE_AT_REBUILD = new AtomicBoolean();
        static final AtomicInteger BUILDS = new AtomicInteger();

        @Override
        protected String run() {
            if (BUILDS.incrementAndGet() > 1) {
                boolean alive = Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.isAlive() && t.getName().equals("jsorc-mortal-w"));
                OLD_DAEMON_ALIVE_AT_REBUILD.set(alive);
            }
            return super.run();
        }

        @Override
        protected void postRun() {
            spawnDaemon("w", () -> {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    // Slow clean-up after the interrupt: the rebuild must still wait for it.
                    long until = System.nanoTime() + 200_000_000L;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                }
            });
        }
    }

    @Test
    void aFailedServiceIsRebuiltOnlyAfterItsDaemonsEnded() {
        Mortal.BUILDS.set(0);
        try (Orchestrator o = Fixtures.builder(Mortal.class)
                .config("MORTAL_CONFIG", "{\"enabled\": true, \"automated\": true, \"quiet\": true}").build().start()) {
            Mortal first = o.svc("mortal", Mortal.class);
            first.markFailed(new IllegalStateException("connection lost"));
            await().atMost(Duration.ofSeconds(10)).until(() -> o.svc("mortal") != first && o.svc("mortal").isRunning());
            assertThat(Mortal.BUILDS.get()).isEqualTo(2);
            assertThat(Mortal.OLD_DAEMON_ALIVE_AT_REBUILD.get()).isFalse();
            assertThatThrownBy(() -> first.spawnDaemon("late", Fixtures.Worker::sleepUntilInterrupted))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot start daemon 'late'");
        }
    }

    /** A hook that can be switched to throw, like a database hook whose server is gone. */
    @Repository(name = "hook", priority = 5)
    public static class FlakyHook extends MemoryHook {
        static volatile boolean down;

        @Override
        public Optional<String> getGlob(String key) {
            if (down && key.equals("SIMPLE_CONFIG")) {
                throw new IllegalStateException("hook unreachable");
            }
            return super.getGlob(key);
        }
    }

    @Test
    void aServiceWhoseConfigCannotBeReadIsRetriedUntilItCan() {
        FlakyHook.down = true;
        try (Orchestrator o = Fixtures.builder(Fixtures.Simple.class, FlakyHook.class)
                .config("JSORC_CONFIG", "{\"backoff_interval\": 0.2, \"pre_loaded_services\": []}").build().start()) {
            CommonService<?> first = o.svc("simple");
            assertThat(first.hasFailed()).isTrue();
            assertThat(first.error()).hasMessageContaining("Config of service 'simple' cannot be read")
                    .hasMessageContaining("hook unreachable");
            RegenerationReport report = o.regenerate();
            assertThat(report.entry("simple").orElseThrow().state()).isEqualTo(ServiceState.FAILED);
            FlakyHook.down = false;
            await().atMost(Duration.ofSeconds(10)).until(() -> o.svc("simple").isRunning());
        } finally {
            FlakyHook.down = false;
        }
    }

    @Test
    void aFailedStartLeavesNothingRunning() {
        Orchestrator o = Fixtures.builder(Fixtures.Worker.class)
                .config("JSORC_CONFIG", "{\"backoff_interval\": 1, \"pre_loaded_services\": [\"worker\", \"nope\"]}")
                .build();
        assertThatThrownBy(o::start).isInstanceOf(NoSuchComponentException.class).hasMessageContaining("'nope'");
        assertThat(o.isClosed()).isTrue();
        assertThat(CloseTest.jsorcThreads()).isEmpty();
    }

    @Test
    void appliersAreFoundWithServiceLoaderAndManifestDefaultsComeFromYaml() {
        RecordingApplier.APPLIED.clear();
        try (Orchestrator o = Fixtures.builder(YamlService.class).build()) {
            CommonService<?> service = o.svc("yamlsvc");
            Manifest manifest = service.manifest();
            assertThat(manifest.resources().keySet()).containsExactly("Service", "Deployment");
            assertThat(manifest.document("Service", "yamlsvc").orElseThrow().toString()).contains("port=8080");
            o.requestRestart("yamlsvc");
            o.regenerate();
            assertThat(RecordingApplier.APPLIED).contains("yamlsvc");
        }
    }

    @Test
    void aServicesManifestIsReadWhenFirstAskedForThenKept() {
        try (Orchestrator o = Fixtures.builder(YamlService.class).build()) {
            CommonService<?> service = o.svc("yamlsvc");
            assertThat(service.isRunning()).isTrue();
            // Built and running, and its YAML default not read yet: nothing stored under the manifest key.
            assertThat(o.hook().getGlob("YAMLSVC_MANIFEST")).isEmpty();

            Manifest manifest = service.manifest();

            assertThat(manifest.resources().keySet()).containsExactly("Service", "Deployment");
            assertThat(o.hook().getGlob("YAMLSVC_MANIFEST")).isPresent(); // the default is stored, as by any read
            assertThat(service.manifest()).isSameAs(manifest);
        }
    }

    @Service(name = "yamlsvc", manifest = "YAMLSVC_MANIFEST")
    public static class YamlService extends Fixtures.Recorder { }

    @Test
    void retriesBackOffExponentially() {
        Fixtures.Flaky.ATTEMPTS.set(0);
        Fixtures.Flaky.fails = 3;
        List<Long> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Orchestrator o = Fixtures.builder(Fixtures.Flaky.class)
                .listener((s, from, to, e) -> {
                    if (to == ServiceState.STARTED) {
                        attempts.add(System.nanoTime());
                    }
                })
                .config("JSORC_CONFIG", "{\"backoff_interval\": 30, \"pre_loaded_services\": [\"flaky\"]}")
                .build().start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> o.svc("flaky").isRunning());
        }
        assertThat(attempts).hasSize(4);
        long secondToThird = (attempts.get(2) - attempts.get(1)) / 1_000_000;
        long thirdToFourth = (attempts.get(3) - attempts.get(2)) / 1_000_000;
        System.out.printf("retry gaps: %d ms, %d ms (backoff 100 ms, 200 ms, +-20%%)%n", secondToThird, thirdToFourth);
        assertThat(secondToThird).isGreaterThanOrEqualTo(75);
        assertThat(thirdToFourth).isGreaterThanOrEqualTo(155);
    }
}
