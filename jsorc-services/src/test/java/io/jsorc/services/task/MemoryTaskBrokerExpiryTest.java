package io.jsorc.services.task;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Finished records expire in the memory broker without a scheduler daemon (TASK_CONFIG.scheduler: false). */
class MemoryTaskBrokerExpiryTest {

    @Test
    void finishedRecordsExpireAsNewOnesArriveWithoutAScheduler() throws Exception {
        MemoryTaskBroker broker = new MemoryTaskBroker();
        broker.enqueue("old", "t", Map.of());
        assertThat(broker.finish("old", TaskStatus.SUCCESS, "1", null, Duration.ofMillis(1))).isTrue();
        assertThat(broker.result("old")).isPresent();
        Thread.sleep(1_100); // past the TTL and the once-a-second expiry
        broker.enqueue("new", "t", Map.of());
        assertThat(broker.result("old")).isEmpty();
        assertThat(broker.result("new")).isPresent();
    }
}
