package io.jsorc.action.tracking;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

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
        assertThat((Double) all.get("50")).isCloseTo(50.0, withinPercentage(1)); // 2 digits: 1% resolution
        assertThat((Double) all.get("90")).isCloseTo(90.0, withinPercentage(1)); // 2 digits: 1% resolution
        assertThat((Double) all.get("95")).isCloseTo(95.0, withinPercentage(1)); // 2 digits: 1% resolution
        assertThat((Double) all.get("99")).isCloseTo(99.0, withinPercentage(1)); // 2 digits: 1% resolution
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

    @Test
    void typesAndNamesThatCombineIntoManyHistogramsStayWithinTheCap() {
        RequestBenchmark benchmark = new RequestBenchmark(); // 1,000 names: 30 types x 30 names fit them all
        benchmark.start();
        for (int t = 0; t < 30; t++) {
            for (int n = 0; n < 30; n++) {
                benchmark.record("type-" + t, "name-" + n, 1_000_000L);
            }
        }
        Map<String, Object> report = benchmark.report();
        int histograms = report.entrySet().stream().filter(e -> !e.getKey().equals(RequestBenchmark.LIMITS_KEY))
                .mapToInt(e -> ((Map<?, ?>) e.getValue()).size()).sum();
        System.out.println("30 x 30 type and name pairs kept " + histograms + " histograms");
        assertThat(histograms).isLessThanOrEqualTo(RequestBenchmark.MAX_HISTOGRAMS);
        @SuppressWarnings("unchecked")
        Map<String, Object> other = (Map<String, Object>) report.get(RequestBenchmark.OTHER);
        assertThat(other).as("the pairs beyond the cap, counted together").containsKey(RequestBenchmark.OTHER);
        long counted = report.entrySet().stream().filter(e -> !e.getKey().equals(RequestBenchmark.LIMITS_KEY))
                .mapToLong(e -> (Long) ((Map<?, ?>) ((Map<?, ?>) e.getValue()).get("all")).get("count")).sum();
        assertThat(counted).as("every request is counted once in some type's all").isEqualTo(900L);
    }
}
