package io.jsorc.test;

import io.jsorc.Orchestrator;
import io.jsorc.config.MemoryHook;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A test that names its config backend gets a fresh one of that class. */
@JsOrcTest(hook = ChosenConfigStoreTest.CountingHook.class)
class ChosenConfigStoreTest {

    /** A backend a test names itself. */
    public static class CountingHook extends MemoryHook {
        static final AtomicInteger BUILT = new AtomicInteger();

        public CountingHook() {
            BUILT.incrementAndGet();
        }
    }

    @Test
    void theNamedBackendServesTheConfigStore(Orchestrator orchestrator) {
        assertThat(orchestrator.hook()).isExactlyInstanceOf(CountingHook.class);
        assertThat(CountingHook.BUILT.get()).isPositive();
        orchestrator.configSet("GREETER_CONFIG", "{\"enabled\": true, \"greeting\": \"kept\"}");
        assertThat(orchestrator.hook().getGlob("GREETER_CONFIG")).hasValueSatisfying(v -> assertThat(v).contains("kept"));
    }
}
