package io.jsorc.base;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void doublesFromTheInitialDelayWithJitterAndStopsAtTheCap() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1));
        long now = 0;
        assertThat(backoff.due(now)).isTrue();
        long[] expected = {100, 200, 400, 800, 1000, 1000, 1000};
        int failure = 0;
        for (long base : expected) {
            long delay = backoff.failed(now);
            assertThat(backoff.failures()).isEqualTo(++failure);
            long low = Math.min(1000, (long) (base * 0.8)) * MS;
            long high = Math.min(1000, (long) (base * 1.2)) * MS;
            assertThat(delay).isBetween(low, high);
            assertThat(backoff.nextAttemptNanos()).isEqualTo(now + delay);
            assertThat(backoff.due(now + delay - 1)).isFalse();
            assertThat(backoff.due(now + delay)).isTrue();
            now += delay;
        }
        backoff.reset();
        assertThat(backoff.failures()).isZero();
        assertThat(backoff.due(now)).isTrue();
        assertThat(backoff.failed(now)).isBetween(80 * MS, 120 * MS); // starts over from the initial delay
    }

    @Test
    void jitterStaysWithinItsBoundsAndActuallyVaries() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofMinutes(1));
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 2_000; i++) {
            long delay = backoff.delayNanos(3); // base 400 ms
            min = Math.min(min, delay);
            max = Math.max(max, delay);
        }
        assertThat(min).isGreaterThanOrEqualTo(320 * MS);
        assertThat(max).isLessThanOrEqualTo(480 * MS);
        assertThat(max - min).as("2000 draws spread over the +-20% band").isGreaterThan(40 * MS);
    }

    @Test
    void withoutJitterTheDelaysAreExactAndStateIsNotShared() {
        Backoff jittered = Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(5_000));
        jittered.failed(0);
        Backoff exact = jittered.withJitter(0);
        assertThat(exact.failures()).isZero();
        assertThat(jittered.failures()).isEqualTo(1);
        assertThat(exact.initial()).isEqualTo(Duration.ofMillis(100));
        assertThat(exact.cap()).isEqualTo(Duration.ofSeconds(5));
        long[] delays = new long[8];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = exact.failed(0) / MS;
        }
        assertThat(delays).containsExactly(100, 200, 400, 800, 1600, 3200, 5000, 5000);
        assertThat(exact.delayNanos(1_000_000)).as("no overflow far past the cap").isEqualTo(5_000 * MS);
    }

    @Test
    void aLimitCapsOneDelayWithoutLosingTheCount() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofHours(1)).withJitter(0);
        for (int i = 0; i < 5; i++) {
            backoff.failed(0, Duration.ofMillis(500));
        }
        assertThat(backoff.nextAttemptNanos()).isEqualTo(500 * MS);
        assertThat(backoff.failed(0, Duration.ofSeconds(60))).isEqualTo(3_200 * MS); // the sixth failure
    }

    @Test
    void convenienceMethodsUseTheClock() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(50));
        assertThat(backoff.due()).isTrue();
        Duration delay = backoff.failed();
        assertThat(delay).isBetween(Duration.ofMillis(40), Duration.ofMillis(50));
        assertThat(backoff.nextAttemptNanos() - System.nanoTime()).isLessThanOrEqualTo(delay.toNanos());
        assertThat(backoff.toString()).contains("1 failures");
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initial <= cap");
        Backoff backoff = Backoff.exponential(Duration.ofMillis(1), Duration.ofSeconds(1));
        assertThatThrownBy(() -> backoff.withJitter(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backoff.withJitter(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backoff.delayNanos(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
