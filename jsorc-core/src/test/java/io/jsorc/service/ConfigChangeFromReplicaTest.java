package io.jsorc.service;

import io.jsorc.Orchestrator;
import io.jsorc.config.MemoryHook;
import io.jsorc.fixtures.Fixtures;
import io.jsorc.regen.RegenerationReport;
import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** A config change heard from another replica restarts the services this orchestrator uses, and builds no other. */
class ConfigChangeFromReplicaTest {

    /** A store whose "other replicas" the test plays: it hands over the change listener. */
    static final class ListeningHook extends MemoryHook {
        volatile Consumer<String> listener;

        @Override
        public void addChangeListener(Consumer<String> listener) {
            this.listener = listener;
        }
    }

    @Test
    void aChangeToAServiceThisReplicaNeverUsedBuildsNothingAndOneItUsesRestarts() {
        ListeningHook hook = new ListeningHook();
        try (Orchestrator o = Fixtures.builder(Fixtures.Worker.class).hook(hook)
                .config("WORKER_CONFIG", "{\"enabled\": true, \"automated\": true}").build()) {
            o.hook(); // the store's backend, and so its listener, exist from its first use
            hook.listener.accept("WORKER_CONFIG");
            RegenerationReport report = o.regenerate();
            assertThat(report.entry("worker")).as("not built because another replica uses it").isEmpty();
            assertThat(o.status()).noneMatch(info -> info.name().equals("worker"));

            assertThat(o.svc("worker").isRunning()).isTrue();
            hook.listener.accept("WORKER_CONFIG");
            assertThat(o.regenerate().entry("worker").orElseThrow().action())
                    .isEqualTo(RegenerationReport.Action.REFRESHED);
        }
    }
}
