package io.jsorc.regen;

import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import io.jsorc.Service;
import io.jsorc.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service that fails while the loop examines it (after its health check passed): the failure is not lost with
 * the examination's "healthy" outcome, and it is rebuilt at once, not at the next full cycle a minute later.
 */
class FailureDuringExaminationTest {

    /** A service whose health check waits, once, until the test lets it answer. */
    @Service(name = "flap")
    public static class Flap extends CommonService<String> {
        static volatile CountDownLatch inHealthCheck = new CountDownLatch(1);
        static volatile CountDownLatch answer = new CountDownLatch(0);

        @Override
        protected String run() {
            return "flap";
        }

        @Override
        public boolean healthy() {
            CountDownLatch waiting = answer;
            inHealthCheck.countDown();
            try {
                waiting.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true; // what it saw when it looked
        }
    }

    @Test
    void aFailureSignalledWhileTheServiceIsExaminedIsRebuiltAtOnce() throws Exception {
        try (Orchestrator o = Fixtures.builder(Flap.class)
                .config("FLAP_CONFIG", "{\"enabled\": true, \"automated\": true}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 60, \"restart_jitter_ms\": 0}")
                .build().start()) {
            CommonService<?> initial = o.svc("flap");
            // The loop's first cycle examines every built service; have it run now, so that the cycle the failure
            // below triggers is not a full one (which would look at the service anyway, fix or no fix).
            o.requestRestart("flap");
            await().atMost(Duration.ofSeconds(15)).until(() -> o.svc("flap") != initial && o.svc("flap").isRunning());
            CommonService<?> first = o.svc("flap");
            Flap.inHealthCheck = new CountDownLatch(1);
            Flap.answer = new CountDownLatch(1);
            Thread cycle = new Thread(o::regenerate, "forced-cycle");
            cycle.setDaemon(true);
            cycle.start();
            assertThat(Flap.inHealthCheck.await(30, TimeUnit.SECONDS)).as("the health check runs").isTrue();

            first.markFailed(new IllegalStateException("connection lost")); // after the check looked, before done()
            Flap.answer.countDown();
            cycle.join(30_000);

            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(15)).until(() -> o.svc("flap") != first && o.svc("flap").isRunning());
            System.out.println("rebuilt " + (System.nanoTime() - t0) / 1_000_000 + " ms after the examination ended"
                    + " (the next full cycle was 60 s away)");
        }
    }
}
