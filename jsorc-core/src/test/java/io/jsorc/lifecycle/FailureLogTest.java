package io.jsorc.lifecycle;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.jsorc.lifecycle.FailureLog.Level.DEBUG;
import static io.jsorc.lifecycle.FailureLog.Level.SUMMARY;
import static io.jsorc.lifecycle.FailureLog.Level.WARN;
import static org.assertj.core.api.Assertions.assertThat;

class FailureLogTest {

    private final AtomicLong now = new AtomicLong();
    private final FailureLog log = new FailureLog(now::get);

    @Test
    void sixRetriesInThreeSecondsGiveOneWarn() {
        assertThat(log.failed("redis", "connection refused").level()).isEqualTo(WARN);
        for (int i = 2; i <= 6; i++) {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
            FailureLog.Decision repeat = log.failed("redis", "connection refused");
            assertThat(repeat.level()).isEqualTo(DEBUG);
            assertThat(repeat.repeats()).isEqualTo(i);
        }
    }

    @Test
    void aChangedErrorIsNewsAgain() {
        log.failed("redis", "connection refused");
        log.failed("redis", "connection refused");
        assertThat(log.failed("redis", "NOAUTH").level()).isEqualTo(WARN);
        assertThat(log.failed("mail", "connection refused").level()).as("another service").isEqualTo(WARN);
    }

    @Test
    void aSummaryComesAtMostOnceAMinute() {
        log.failed("redis", "down");
        now.addAndGet(TimeUnit.SECONDS.toNanos(59));
        assertThat(log.failed("redis", "down").level()).isEqualTo(DEBUG);
        now.addAndGet(TimeUnit.SECONDS.toNanos(2));
        FailureLog.Decision summary = log.failed("redis", "down");
        assertThat(summary.level()).isEqualTo(SUMMARY);
        assertThat(summary.repeats()).isEqualTo(3);
        now.addAndGet(TimeUnit.SECONDS.toNanos(30));
        assertThat(log.failed("redis", "down").level()).isEqualTo(DEBUG);
    }

    @Test
    void aServiceThatRanAgainStartsAfresh() {
        log.failed("redis", "down");
        log.recovered("redis");
        assertThat(log.failed("redis", "down").level()).isEqualTo(WARN);
    }

    @Test
    void recoveredSaysWhetherItWasFailing() {
        assertThat(log.recovered("placement")).isFalse();
        log.failed("placement", "Redis down");
        assertThat(log.recovered("placement")).isTrue();
        assertThat(log.recovered("placement")).isFalse();
    }
}
