package io.jsorc.test;

import io.jsorc.Orchestrator;
import io.jsorc.base.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@WithRedis
@JsOrcTest(start = false)
class RedisServerExtensionTest {

    @Test
    void aRealServerThatCanBeKilledAndRestartedOnItsPort(RedisServer server) {
        assertThat(server.ping()).isTrue();
        assertThat(server.command("SET a 1")).isEqualTo("+OK");
        int port = server.port();
        long pid = server.pid();
        server.kill();
        assertThat(server.isRunning()).isFalse();
        assertThat(server.ping()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        server.start();
        assertThat(server.port()).isEqualTo(port);
        assertThat(server.ping()).isTrue();
        assertThat(server.command("GET a")).isEqualTo("$-1"); // persistence is off
    }

    @Test
    void theOrchestratorGetsARedisConfigPointingAtIt(RedisServer server, Orchestrator orchestrator) {
        assertThat(Json.parseObject(orchestrator.configStore().defaultJson("REDIS_CONFIG").orElseThrow(), "t"))
                .containsEntry("port", server.port()).containsEntry("host", "127.0.0.1");
    }

    @Test
    void eachTestStartsWithAnEmptyRunningServer(RedisServer server) {
        assertThat(server.command("DBSIZE")).isEqualTo(":0");
        server.command("SET leftover 1");
        server.kill(); // the next test still gets a running server
    }
}
