package io.jsorc.regen;

import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import io.jsorc.cluster.ManifestApplier;
import io.jsorc.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A requested restart skips the backoff once, not for as long as it waits: a restart whose manifest is not ready yet
 * (a rollout under way, a leader that has not applied it) is retried on the service's backoff, as a controller's
 * rate-limited queue retries a key, not re-applied at the loop's pace.
 */
class RestartBackoffTest {

    /** Runs; its manifest is applied by the test's applier. */
    @io.jsorc.Service(name = "rolling", manifest = "ROLLING_MANIFEST")
    public static class Rolling extends CommonService<String> {
        @Override
        protected String run() {
            return "up";
        }
    }

    @Test
    void aRestartWaitingForItsManifestBacksOffInsteadOfReapplyingItAtTheLoopsPace() throws Exception {
        AtomicInteger applies = new AtomicInteger();
        ManifestApplier rollingOut = (service, manifest, context) -> {
            applies.incrementAndGet();
            return ManifestApplier.Readiness.notReady("0/3 pods ready");
        };
        try (Orchestrator o = Fixtures.builder(Rolling.class).manifestAppliers(rollingOut)
                .config("JSORC_CONFIG", "{\"restart_jitter_ms\": 0}")
                .config("ROLLING_CONFIG", "{\"enabled\": true}")
                .config("ROLLING_MANIFEST", "{\"Deployment\": {\"rolling\": {\"apiVersion\": \"apps/v1\","
                        + " \"kind\": \"Deployment\", \"metadata\": {\"name\": \"rolling\"}}}}")
                .build()) {
            o.start();
            assertThat(o.svc("rolling").isRunning()).isTrue();
            int before = applies.get();
            o.requestRestart("rolling");
            Thread.sleep(3000);
            int during = applies.get() - before;
            System.out.printf("manifest applied %d times in 3 s of a restart waiting for it%n", during);
            // Backing off from 100 ms, doubling: attempts at 0, 0.1, 0.3, 0.7, 1.5 and 3.1 s. At the loop's pace
            // (its 100 ms probe interval) it would be ~30.
            assertThat(during).as("applies while the restart waited").isBetween(2, 10);
            assertThat(o.regeneration().queued()).as("still waiting for its manifest").contains("rolling");
        }
    }
}
