package io.jsorc.config;

import io.jsorc.Orchestrator;
import io.jsorc.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A stored value that does not parse neither stops the orchestrator nor sticks: the default is read, and it is repairable. */
class CorruptConfigTest {

    @Test
    void aCorruptJsorcConfigFallsBackToTheDefaultAndCanBeRepaired() {
        try (Orchestrator o = Fixtures.builder(Fixtures.Simple.class).build()) {
            o.hook().setGlob(ConfigStore.JSORC_CONFIG, "{\"backoff_interval\": 5,"); // cut off mid-write
            o.start(); // today: IllegalArgumentException on every replica
            assertThat(o.isStarted()).isTrue();
            assertThat(o.config(ConfigStore.JSORC_CONFIG).orElseThrow()).containsKey("backoff_interval");
            assertThat(o.svc("simple").isRunning()).isTrue();
            o.configSet(ConfigStore.JSORC_CONFIG, "{\"backoff_interval\": 7, \"pre_loaded_services\": []}");
            assertThat(o.config(ConfigStore.JSORC_CONFIG).orElseThrow()).containsEntry("backoff_interval", 7);
        }
    }

    @Test
    void aCorruptServiceConfigIsDeletable() {
        try (Orchestrator o = Fixtures.builder(Fixtures.Simple.class).build()) {
            o.hook().setGlob("SIMPLE_CONFIG", "not json at all");
            assertThat(o.svc("simple").isRunning()).as("the default is used").isTrue();
            o.configDelete("SIMPLE_CONFIG");
            assertThat(o.hook().getGlob("SIMPLE_CONFIG")).isEmpty();
            assertThat(o.config("SIMPLE_CONFIG").orElseThrow()).containsEntry("enabled", true);
        }
    }
}
