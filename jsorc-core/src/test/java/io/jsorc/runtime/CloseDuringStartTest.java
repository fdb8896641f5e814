package io.jsorc.runtime;

import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import io.jsorc.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A close() from another thread while start() runs waits for the start, then closes everything it built. */
class CloseDuringStartTest {

    /** A pre-loaded service whose start takes until the test says so. */
    @io.jsorc.Service(name = "slow_start")
    public static class SlowStart extends CommonService<String> {
        static volatile CountDownLatch entered = new CountDownLatch(1);
        static volatile CountDownLatch release = new CountDownLatch(1);
        static volatile SlowStart last;

        @Override
        protected String run() throws InterruptedException {
            last = this;
            entered.countDown();
            release.await(30, TimeUnit.SECONDS);
            return "up";
        }
    }

    @Test
    void aCloseWaitsForTheStartUnderWayAndLeavesNothingOfItRunning() throws Exception {
        SlowStart.entered = new CountDownLatch(1);
        SlowStart.release = new CountDownLatch(1);
        Orchestrator o = Fixtures.builder(SlowStart.class)
                .config("SLOW_START_CONFIG", "{\"enabled\": true}")
                .config("JSORC_CONFIG", "{\"pre_loaded_services\": [\"slow_start\"]}").build();
        CompletableFuture<Void> starting = CompletableFuture.runAsync(o::start);
        try {
            assertThat(SlowStart.entered.await(20, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(o::close);
            Thread.sleep(300);
            assertThat(closing).as("the close waits for the start under way").isNotDone();
            SlowStart.release.countDown();
            closing.get(30, TimeUnit.SECONDS);
            starting.handle((done, failed) -> null).get(30, TimeUnit.SECONDS);
            assertThat(SlowStart.last.isRunning()).as("what the start built was closed after it").isFalse();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(CloseTestThreads.jsorcThreads()).as("no loop or daemon left")
                            .isEmpty());
        } finally {
            SlowStart.release.countDown();
            o.close();
        }
    }
}
