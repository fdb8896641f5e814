package io.jsorc.test;

import io.jsorc.JsOrc;
import io.jsorc.Orchestrator;
import io.jsorc.config.MemoryHook;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** A misused annotation fails the test with a message naming the annotation, the class and what was wrong. */
class MisuseMessagesTest {

    /** Run only through the test kit below (the name keeps surefire from picking it up). */
    @JsOrcTest(scanPackages = "io.jsorc.test.fixtures")
    @JsOrcConfig(key = "NO_SUCH_CONFIG", json = "{}")
    static class UnknownKeyScenario {
        @Test
        void runs() {
        }
    }

    /** A backend whose constructor fails. */
    public static class FailingHook extends MemoryHook {
        public FailingHook() {
            throw new IllegalStateException("no backend today");
        }
    }

    /** Run only through the test kit below. */
    @JsOrcTest(hook = FailingHook.class)
    static class FailingHookScenario {
        @Test
        void runs() {
        }
    }

    @Test
    void anUnknownConfigKeyNamesTheAnnotationAndTheClass() {
        assertThat(failureOf(UnknownKeyScenario.class)).hasMessageContaining("@JsOrcTest "
                + UnknownKeyScenario.class.getName() + ".runs").hasMessageContaining("@JsOrcConfig")
                .hasMessageContaining("Unknown config name 'NO_SUCH_CONFIG'");
    }

    @Test
    void aBackendWhoseConstructorThrowsSaysSo() {
        assertThat(failureOf(FailingHookScenario.class)).hasMessageContaining("@JsOrcTest(hook = "
                + FailingHook.class.getName() + "): its constructor threw").hasMessageContaining("no backend today");
    }

    private static Throwable failureOf(Class<?> scenario) {
        Orchestrator before = JsOrc.install(null);
        try {
            return EngineTestKit.engine("junit-jupiter").selectors(selectClass(scenario)).execute().testEvents()
                    .failed().stream().findFirst().orElseThrow().getPayload(TestExecutionResult.class).orElseThrow()
                    .getThrowable().orElseThrow();
        } finally {
            JsOrc.install(before);
        }
    }
}
