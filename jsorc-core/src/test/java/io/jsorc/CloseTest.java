package io.jsorc;

import io.jsorc.fixtures.Fixtures;
import io.jsorc.fixtures.Fixtures.Worker;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CloseTest {

    static List<String> jsorcThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("jsorc-")).sorted().toList();
    }

    @Test
    void closeLeavesNoJsorcThreadAndIsIdempotent() {
        Orchestrator o = Fixtures.builder(Worker.class, Fixtures.Simple.class)
                .config("JSORC_CONFIG", "{\"backoff_interval\": 1, \"pre_loaded_services\": [\"worker\"]}")
                .build().start();
        Worker worker = o.svc("worker", Worker.class);
        worker.spawnDaemon("second", Worker::sleepUntilInterrupted);
        assertThat(jsorcThreads()).contains("jsorc-regen", "jsorc-worker-w", "jsorc-worker-second");

        o.close();
        assertThat(jsorcThreads()).isEmpty();
        assertThat(worker.deletes.get()).isEqualTo(1);
        o.close();
        assertThat(worker.deletes.get()).isEqualTo(1);
        assertThat(o.isClosed()).isTrue();
    }

    @Test
    void aConfigWriteAfterCloseIsRefusedNotReportedDone() {
        Orchestrator o = Fixtures.builder(Fixtures.Simple.class).build().start();
        o.configSet("SIMPLE_CONFIG", "{\"enabled\": true, \"x\": 1}");
        o.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> o.configSet("SIMPLE_CONFIG", "{\"x\": 2}"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed")
                .hasMessageContaining("SIMPLE_CONFIG was not changed");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> o.configUpdate("SIMPLE_CONFIG", "x", "3"))
                .isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> o.configDelete("SIMPLE_CONFIG"))
                .isInstanceOf(IllegalStateException.class);
    }
}
