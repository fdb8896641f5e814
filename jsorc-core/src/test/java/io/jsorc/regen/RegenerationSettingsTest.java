package io.jsorc.regen;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RegenerationSettingsTest {

    @Test
    void readsTheIntervalInSecondsAndTheEventTrigger() {
        RegenerationSettings settings = RegenerationSettings.parse(Map.of("backoff_interval", 1.5,
                "event_trigger", false, "pre_loaded_services", java.util.List.of()));
        assertThat(settings.interval()).isEqualTo(Duration.ofMillis(1_500));
        assertThat(settings.eventTrigger()).isFalse();
        assertThat(RegenerationSettings.parse(Map.of("backoff_interval", 30)).interval())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(RegenerationSettings.parse(Map.of("backoff_interval", 0.0001)).interval())
                .as("never below a millisecond").isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void missingOrInvalidValuesGetTheDefaults() {
        assertThat(RegenerationSettings.parse(Map.of())).isEqualTo(RegenerationSettings.DEFAULTS);
        assertThat(RegenerationSettings.parse(null)).isEqualTo(RegenerationSettings.DEFAULTS);
        assertThat(RegenerationSettings.DEFAULTS.interval()).isEqualTo(RegenerationLoop.DEFAULT_INTERVAL);
        assertThat(RegenerationSettings.DEFAULTS.eventTrigger()).isTrue();
        for (Object bad : new Object[] {0, -3, "10", Double.NaN, true}) {
            assertThat(RegenerationSettings.parse(Map.of("backoff_interval", bad)).interval()).as("%s", bad)
                    .isEqualTo(RegenerationLoop.DEFAULT_INTERVAL);
        }
        // Only an explicit false turns the event trigger off.
        assertThat(RegenerationSettings.parse(Map.of("event_trigger", "false")).eventTrigger()).isTrue();
        assertThat(RegenerationSettings.parse(Map.of("event_trigger", true)).eventTrigger()).isTrue();
        assertThat(RegenerationSettings.parse(Map.of("backoff_interval", 1e300)).interval().toNanos())
                .as("a huge interval does not overflow").isPositive();
    }

    @Test
    void theReaderParsesAChangedConfigOnlyAndFallsBackToDefaultsWhenItCannotRead() {
        AtomicInteger reads = new AtomicInteger();
        Map<String, Object> config = new HashMap<>(Map.of("backoff_interval", 2));
        boolean[] unreachable = {false};
        RegenerationSettings.Reader reader = new RegenerationSettings.Reader(() -> {
            reads.incrementAndGet();
            if (unreachable[0]) {
                throw new IllegalStateException("hook unreachable");
            }
            return config;
        });
        RegenerationSettings first = reader.read();
        assertThat(first.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(reader.read()).as("unchanged: the same parse").isSameAs(first);
        config.put("backoff_interval", 3); // the reader kept a copy, so a change in place is seen
        assertThat(reader.read().interval()).isEqualTo(Duration.ofSeconds(3));
        unreachable[0] = true;
        assertThat(reader.read()).isEqualTo(RegenerationSettings.DEFAULTS);
        assertThat(reads.get()).isEqualTo(4);
    }
}
