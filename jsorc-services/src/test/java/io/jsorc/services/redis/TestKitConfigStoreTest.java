package io.jsorc.services.redis;

import io.jsorc.Orchestrator;
import io.jsorc.config.MemoryHook;
import io.jsorc.test.JsOrcTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With jsorc-services on the classpath the winning hook is the Redis hook, yet a {@code @JsOrcTest} without
 * {@code @WithRedis} keeps its config in its own memory store: no test touches the developer's Redis.
 */
@JsOrcTest(scanPackages = "io.jsorc.services.fixtures")
class TestKitConfigStoreTest {

    @Test
    void aTestWithoutWithRedisNeverTalksToRedis(Orchestrator orchestrator) {
        assertThat(orchestrator.hook()).isExactlyInstanceOf(MemoryHook.class);
        orchestrator.configSet("PROBE_CONFIG", "{\"enabled\": true, \"value\": \"local\"}");
        assertThat(orchestrator.svc("probe").app()).isEqualTo("local");
        assertThat(orchestrator.status()).noneMatch(info -> info.name().equals("redis"));
    }
}
