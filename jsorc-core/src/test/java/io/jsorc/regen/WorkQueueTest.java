package io.jsorc.regen;

import io.jsorc.regen.WorkQueue.Reason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WorkQueueTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private final WorkQueue<String> queue = new WorkQueue<>(Duration.ofMillis(100), Duration.ofMillis(100));

    @Test
    void failuresCoalesceAndARestartIsNeverDowngraded() {
        queue.offer("a", Reason.FAILED);
        queue.offer("a", Reason.FAILED);
        assertThat(queue.keys()).containsExactly("a");
        queue.offer("a", Reason.RESTART);
        queue.offer("a", Reason.FAILED);
        assertThat(queue.reason("a")).isEqualTo(Reason.RESTART);
        queue.requeue("a"); // the restart was attempted: what is left is a failure
        assertThat(queue.reason("a")).isEqualTo(Reason.FAILED);
    }

    @Test
    void doneForgetsTheBackoffWhileDropKeepsIt() {
        queue.offer("a", Reason.FAILED);
        queue.backoff("a").failed(0, Duration.ofSeconds(10));
        queue.drop("a");
        assertThat(queue.reason("a")).isNull();
        assertThat(queue.backoff("a").failures()).isEqualTo(1);
        queue.offer("a", Reason.FAILED);
        queue.done("a");
        assertThat(queue.keys()).isEmpty();
        assertThat(queue.backoff("a").failures()).isZero();
        assertThat(queue.backoff("b")).as("one backoff per key").isNotSameAs(queue.backoff("a"));
    }

    @Test
    void aClaimedKeyIsNotHandedOutAgainUntilReleasedByItsHolder() {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        assertThat(queue.claim("a", first)).isNull();
        assertThat(queue.claim("a", second)).isSameAs(first);
        assertThat(queue.running("a")).isSameAs(first);
        queue.release("a", second); // not the holder: nothing happens
        assertThat(queue.running("a")).isSameAs(first);
        queue.release("a", first);
        assertThat(queue.running("a")).isNull();
        assertThat(queue.claim("a", second)).isNull();
    }

    @Test
    void aQueuedKeyWakesTheLoopAProbeIntervalAfterItWasLastLookedAt() {
        long lastCycle = System.nanoTime();
        assertThat(queue.nextCycleNanos(lastCycle, HOUR, true)).as("nothing queued: the interval")
                .isEqualTo(lastCycle + HOUR);
        CompletableFuture<String> work = new CompletableFuture<>();
        long before = System.nanoTime();
        queue.claim("a", work);
        long after = System.nanoTime();
        queue.offer("a", Reason.FAILED);
        assertThat(queue.nextCycleNanos(lastCycle, HOUR, true)).as("a worker holds it: it wakes the loop itself")
                .isEqualTo(lastCycle + HOUR);
        queue.release("a", work);
        long probe = queue.nextCycleNanos(lastCycle, HOUR, true);
        assertThat(probe).isBetween(before + 100 * MS, after + 100 * MS);
        assertThat(queue.nextCycleNanos(lastCycle, HOUR, true)).as("anchored: recomputing never postpones it")
                .isEqualTo(probe);
        assertThat(queue.nextCycleNanos(lastCycle, HOUR, false)).as("the fixed loop never probes")
                .isEqualTo(lastCycle + HOUR);
        assertThat(queue.nextCycleNanos(lastCycle, 10 * MS, true)).as("the interval, when it comes first")
                .isEqualTo(lastCycle + 10 * MS);
    }

    @Test
    void aRetryDueBeforeTheNextProbeWakesTheLoopForIt() {
        queue.offer("a", Reason.FAILED);
        CompletableFuture<String> work = new CompletableFuture<>();
        queue.claim("a", work);
        queue.release("a", work);
        long probe = queue.nextCycleNanos(System.nanoTime(), HOUR, true);
        long now = System.nanoTime();
        queue.backoff("a").failed(now, Duration.ofMillis(10)); // due within 10 ms, before the probe
        assertThat(queue.nextCycleNanos(now, HOUR, true)).isLessThanOrEqualTo(now + 10 * MS).isLessThan(probe);
    }

    @Test
    void triggersCoalesceAndCloseEndsTheWait() throws Exception {
        queue.trigger();
        queue.trigger();
        assertThat(queue.awaitCycle(System.nanoTime(), HOUR, true)).isTrue();
        // Both triggers were consumed by one cycle: the next wait ends only on the (short) interval.
        long t0 = System.nanoTime();
        assertThat(queue.awaitCycle(t0, 50 * MS, true)).isTrue();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(45 * MS);
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            queue.close();
        });
        closer.start();
        assertThat(queue.awaitCycle(System.nanoTime(), HOUR, true)).isFalse();
        assertThat(queue.isClosed()).isTrue();
        closer.join();
    }
}
