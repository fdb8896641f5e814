package io.jsorc.test;

import io.jsorc.JsOrc;
import io.jsorc.Orchestrator;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Test classes run in parallel: {@code @JsOrcTest} classes take turns (each installs its orchestrator as the global
 * one), so each sees its own orchestrator through {@code JsOrc} for its whole test.
 */
class ParallelClassesTest {

    /** Run only through the test kit below (the name keeps surefire from picking it up). */
    @JsOrcTest(scanPackages = "io.jsorc.test.fixtures")
    static class FirstScenario {
        @Test
        void seesItsOwnOrchestratorThroughout(Orchestrator orchestrator) throws InterruptedException {
            ownGlobalFor(orchestrator);
        }
    }

    /** Run only through the test kit below. */
    @JsOrcTest(scanPackages = "io.jsorc.test.fixtures")
    static class SecondScenario {
        @Test
        void seesItsOwnOrchestratorThroughout(Orchestrator orchestrator) throws InterruptedException {
            ownGlobalFor(orchestrator);
        }
    }

    static void ownGlobalFor(Orchestrator orchestrator) throws InterruptedException {
        for (int i = 0; i < 10; i++) { // long enough that two unlocked classes would overlap
            assertThat(JsOrc.current()).containsSame(orchestrator);
            Thread.sleep(50);
        }
    }

    @Test
    void jsorcTestClassesTakeTurnsWhenClassesRunInParallel() {
        Orchestrator before = JsOrc.install(null);
        try {
            Events tests = EngineTestKit.engine("junit-jupiter")
                    .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                    .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                    .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                    .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                    .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
                    .selectors(selectClass(FirstScenario.class), selectClass(SecondScenario.class))
                    .execute().testEvents();
            tests.failed().stream().forEach(event -> event.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                    .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                    .ifPresent(Throwable::printStackTrace));
            tests.assertStatistics(stats -> stats.started(2).succeeded(2).failed(0));
            assertThat(JsOrc.install(null)).as("the global is restored").isNull();
        } finally {
            JsOrc.install(before);
        }
    }
}
