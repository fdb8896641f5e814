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
}
