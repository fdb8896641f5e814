package io.jsorc.action.tracking;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** System tracking keeps a bounded ring: a long recording does not grow without end. */
class SystemTrackerTest {

    @Test
    void onlyTheNewestEntriesUpToTheCapacityAreKept() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        SystemTracker tracker = new SystemTracker(() -> Map.of("n", String.valueOf(calls.incrementAndGet())), 3);
        tracker.start(null, Duration.ofMillis(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 8);
        List<Map<String, Object>> entries = tracker.stop();
        assertThat(entries).hasSize(3);
        int first = Integer.parseInt(String.valueOf(((Map<?, ?>) entries.get(0).get("actions_state")).get("n")));
        assertThat(first).as("the oldest kept entry is a late one").isGreaterThanOrEqualTo(6);
    }
}
