package io.jsorc.test;

import io.jsorc.JsOrc;
import io.jsorc.Orchestrator;
import io.jsorc.test.fixtures.Greeter;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

class LeakDetectionTest {

    static final CountDownLatch RELEASE = new CountDownLatch(1);

    /** Run only through the test kit below (the name keeps surefire from picking it up). */
    @JsOrcTest
    static class LeakingScenario {
        @Test
        void leaksADaemonThatIgnoresInterrupts() {
            Thread leak = new Thread(() -> {
                while (true) {
                    try {
                        RELEASE.await();
                        return;
                    } catch (InterruptedException ignored) {
                        // deliberately ignores interruption
                    }
                }
            }, "jsorc-leaky-thread");
            leak.setDaemon(true);
            leak.start();
        }

        @Test
        void cleanTest() {
            assertThat(JsOrc.svc("greeter", Greeter.class).isRunning()).isTrue();
        }
    }

    @Test
    void aLeakedJsorcThreadFailsTheTestAndTheGlobalIsRestored() {
        Orchestrator before = JsOrc.install(null);
        try {
            Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(LeakingScenario.class))
                    .execute().testEvents();
            tests.assertStatistics(stats -> stats.started(2).succeeded(1).failed(1));
            assertThat(tests.failed().stream().findFirst().orElseThrow().getPayload(
                    org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
                    .hasMessageContaining("jsorc-leaky-thread");
            assertThat(JsOrc.install(null)).isNull();
        } finally {
            RELEASE.countDown();
            JsOrc.install(before);
        }
    }
}
