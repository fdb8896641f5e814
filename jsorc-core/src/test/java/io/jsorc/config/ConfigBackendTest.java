package io.jsorc.config;

import io.jsorc.Orchestrator;
import io.jsorc.Repository;
import io.jsorc.fixtures.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The config store's backend is resolved once per orchestrator, and can be pinned outside the store itself. */
class ConfigBackendTest {

    /** A higher-priority backend that counts its constructions. */
    @Repository(name = "hook", priority = 5)
    public static class CountingHook extends MemoryHook {
        static final AtomicInteger BUILT = new AtomicInteger();

        public CountingHook() {
            BUILT.incrementAndGet();
        }
    }

    @AfterEach
    void clearProperty() {
        System.clearProperty("jsorc.hook");
    }

    @Test
    void theWinningHookIsBuiltOnceHoweverManyOperationsRun() {
        CountingHook.BUILT.set(0);
        try (Orchestrator o = Fixtures.builder(CountingHook.class, Fixtures.Simple.class).build()) {
            for (int i = 0; i < 50; i++) {
                o.configSet("SIMPLE_CONFIG", "{\"enabled\": true, \"n\": " + i + "}");
                o.configGet("SIMPLE_CONFIG");
                o.configList();
            }
            o.svc("simple");
            assertThat(o.hook()).isInstanceOf(CountingHook.class);
            assertThat(CountingHook.BUILT.get()).isEqualTo(1);
        }
    }

    @Test
    void aBuilderPinsTheBackend() {
        MemoryHook mine = new MemoryHook();
        try (Orchestrator o = Fixtures.builder(CountingHook.class, Fixtures.Simple.class).hook(mine).build()) {
            o.configSet("SIMPLE_CONFIG", "{\"enabled\": true}");
            assertThat(o.hook()).isSameAs(mine);
            assertThat(mine.getGlob("SIMPLE_CONFIG")).isPresent();
        }
    }

    @Test
    void theSystemPropertyPinsTheMemoryStoreOverAHigherPriorityHook() {
        System.setProperty("jsorc.hook", "memory");
        try (Orchestrator o = Fixtures.builder(CountingHook.class, Fixtures.Simple.class).build()) {
            assertThat(o.hook()).isExactlyInstanceOf(MemoryHook.class);
        }
        System.setProperty("jsorc.hook", "counting");
        try (Orchestrator o = Fixtures.builder(CountingHook.class, Fixtures.Simple.class).build()) {
            assertThat(o.hook()).isExactlyInstanceOf(CountingHook.class);
        }
    }

    @Test
    void anUnknownStoreNameIsRefusedNamingWhatIsAllowed() {
        System.setProperty("jsorc.hook", "postgres");
        try (Orchestrator o = Fixtures.builder(CountingHook.class, Fixtures.Simple.class).build()) {
            assertThatThrownBy(o::hook).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-Djsorc.hook=postgres").hasMessageContaining("allowed: memory, counting");
        }
    }
}
