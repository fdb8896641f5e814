package io.jsorc.action.tracking;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RequestBenchmarkTest {

    @Test
    void percentilesOfAKnownSample() {
        RequestBenchmark benchmark = new RequestBenchmark();
        assertThat(benchmark.stop(true)).isEmpty(); // stopping while inactive
        benchmark.start();
        for (int ms = 1; ms <= 100; ms++) {
            benchmark.record("req", ms % 2 == 0 ? "even" : "odd", ms * 1_000_000L);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> all = ((Map<String, Map<String, Object>>) benchmark.report().get("req")).get("all");
        assertThat(all.get("count")).isEqualTo(100L);
        assertThat((Double) all.get("average")).isCloseTo(50.5, within(0.1));
        assertThat((Double) all.get("50")).isCloseTo(50.0, within(0.1));
        assertThat((Double) all.get("90")).isCloseTo(90.0, within(0.1));
        assertThat((Double) all.get("95")).isCloseTo(95.0, within(0.1));
        assertThat((Double) all.get("99")).isCloseTo(99.0, within(0.1));
        @SuppressWarnings("unchecked")
        Map<String, Object> even = ((Map<String, Map<String, Object>>) benchmark.report().get("req")).get("even");
        assertThat(even.get("count")).isEqualTo(50L);
        assertThat(benchmark.stop(false)).isEmpty();
        assertThat(benchmark.report()).isEmpty();
    }

    @Test
    void namesBeyondTheCapAreCountedAsOtherAndTheReportSaysSo() {
        RequestBenchmark benchmark = new RequestBenchmark(5);
        benchmark.start();
        for (int i = 0; i < 100; i++) {
            benchmark.record("walk", "user-" + i, 1_000_000L); // an id in the name: one histogram each, unbounded
        }
        Map<String, Object> report = benchmark.report();
        @SuppressWarnings("unchecked")
        Map<String, Object> walk = (Map<String, Object>) report.get("walk");
        // "walk" and four names fit the cap of 5; the other 96 names share one entry.
        assertThat(walk.keySet()).containsExactlyInAnyOrder("all", "user-0", "user-1", "user-2", "user-3",
                RequestBenchmark.OTHER);
        @SuppressWarnings("unchecked")
        Map<String, Object> other = (Map<String, Object>) walk.get(RequestBenchmark.OTHER);
        assertThat(other.get("count")).isEqualTo(96L);
        @SuppressWarnings("unchecked")
        Map<String, Object> all = (Map<String, Object>) walk.get("all");
        assertThat(all.get("count")).isEqualTo(100L);
        assertThat(report.get(RequestBenchmark.LIMITS_KEY).toString()).contains("max_names=5");
        assertThat(benchmark.bounded("user-99")).isEqualTo(RequestBenchmark.OTHER);
        assertThat(benchmark.bounded("user-1")).isEqualTo("user-1");
    }
}
