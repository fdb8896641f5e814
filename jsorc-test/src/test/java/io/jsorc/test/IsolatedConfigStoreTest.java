package io.jsorc.test;

import io.jsorc.Orchestrator;
import io.jsorc.config.MemoryHook;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/** Each test gets its own in-memory config store: what one test writes, the next never reads. */
@JsOrcTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IsolatedConfigStoreTest {

    @Test
    @Order(1)
    void aTestWritesConfig(Orchestrator orchestrator) {
        assertThat(orchestrator.hook()).isInstanceOf(MemoryHook.class);
        orchestrator.configSet("GREETER_CONFIG", "{\"enabled\": true, \"greeting\": \"written by test 1\"}");
        assertThat(orchestrator.configGet("GREETER_CONFIG")).contains("written by test 1");
    }

    @Test
    @Order(2)
    void theNextTestReadsTheDefault(Orchestrator orchestrator) {
        assertThat(orchestrator.configGet("GREETER_CONFIG")).contains("\"hello\"").doesNotContain("test 1");
    }

    /** A backend a test names itself. */
    public static class CountingHook extends MemoryHook {
        static final java.util.concurrent.atomic.AtomicInteger BUILT = new java.util.concurrent.atomic.AtomicInteger();

        public CountingHook() {
            BUILT.incrementAndGet();
        }
    }
}
