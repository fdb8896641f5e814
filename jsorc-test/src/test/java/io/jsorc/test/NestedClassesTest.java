package io.jsorc.test;

import io.jsorc.Orchestrator;
import io.jsorc.base.Json;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A {@code @Nested} class gets the settings of the class around it, and its Redis server. */
@WithRedis(config = "\"timeout_ms\": 777")
@JsOrcTest(start = false, scanPackages = "io.jsorc.test.fixtures")
@JsOrcConfig(key = "GREETER_CONFIG", json = "{\"enabled\": true, \"greeting\": \"from the outer class\"}")
class NestedClassesTest {

    static RedisServer outerServer;

    @Test
    void theOuterClassesTestsSeeItsSettings(RedisServer server, Orchestrator orchestrator) {
        outerServer = server;
        assertThat(orchestrator.isStarted()).isFalse();
        assertThat(orchestrator.configGet("GREETER_CONFIG")).contains("from the outer class");
    }

    @Nested
    class Inside {

        @Test
        void aNestedTestGetsTheOuterSettingsAndServer(RedisServer server, Orchestrator orchestrator) {
            assertThat(orchestrator.isStarted()).as("@JsOrcTest(start = false) of the outer class").isFalse();
            assertThat(Json.parseObject(orchestrator.configStore().defaultJson("REDIS_CONFIG").orElseThrow(), "t"))
                    .containsEntry("port", server.port()).containsEntry("timeout_ms", 777);
            assertThat(orchestrator.configGet("GREETER_CONFIG")).contains("from the outer class");
            if (outerServer != null) {
                assertThat(server).as("one redis-server for the outer class and its nested ones").isSameAs(outerServer);
            }
        }

        @Nested
        @JsOrcConfig(key = "GREETER_CONFIG", json = "{\"enabled\": true, \"greeting\": \"from the inner class\"}")
        class Deeper {

            @Test
            void theInnerClassesConfigWins(Orchestrator orchestrator) {
                assertThat(orchestrator.configGet("GREETER_CONFIG")).contains("from the inner class");
            }
        }
    }
}
