package io.jsorc.regen;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void doublesFromTheInitialDelayWithJitterAndStopsAtTheCap() {
        Backoff backoff = new Backoff(100 * MS);
        long now = 0;
        assertThat(backoff.due(now)).isTrue();
        long[] expected = {100, 200, 400, 800, 1000, 1000};
        for (long base : expected) {
            long delay = backoff.failed(now, 1000 * MS);
            long low = Math.min(1000, (long) (base * 0.8)) * MS;
            long high = Math.min(1000, (long) (base * 1.2)) * MS;
            assertThat(delay).isBetween(low, high);
            assertThat(backoff.due(now + delay - 1)).isFalse();
            assertThat(backoff.due(now + delay)).isTrue();
            now += delay;
        }
        backoff.reset();
        assertThat(backoff.failures()).isZero();
        assertThat(backoff.due(now)).isTrue();
    }
}
