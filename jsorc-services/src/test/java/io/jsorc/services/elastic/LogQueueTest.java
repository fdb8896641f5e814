package io.jsorc.services.elastic;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogQueueTest {

    private static ElasticDocument doc(int n) {
        return new ElasticDocument.Source("app", Map.of("n", n));
    }

    private static List<Integer> numbers(List<LogQueue.Queued> batch) {
        return batch.stream().map(q -> (Integer) q.document().body().get("n")).toList();
    }

    private static List<Integer> dropped(List<ElasticDocument> documents) {
        return documents.stream().map(d -> (Integer) d.body().get("n")).toList();
    }

    @Test
    void aFullQueueDropsTheOldestAndCountsThem() {
        List<ElasticDocument> dropped = new ArrayList<>();
        LogQueue queue = new LogQueue(3, 10, dropped::add);
        for (int i = 1; i <= 5; i++) {
            queue.offer(doc(i));
        }
        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.dropped()).isEqualTo(2);
        assertThat(dropped(dropped)).containsExactly(1, 2);
        List<LogQueue.Queued> batch = new ArrayList<>();
        assertThat(queue.drain(batch, 10)).isEqualTo(3);
        assertThat(numbers(batch)).containsExactly(3, 4, 5);
    }

    @Test
    void aReturnedBatchGoesBackInFrontAndIsWhatOverflowDrops() {
        LogQueue queue = new LogQueue(4, 10, d -> { });
        for (int i = 1; i <= 4; i++) {
            queue.offer(doc(i));
        }
        List<LogQueue.Queued> batch = new ArrayList<>();
        queue.drain(batch, 2); // 1, 2 in hand
        queue.offer(doc(5));
        queue.offer(doc(6));
        queue.returnFront(batch); // 1 2 3 4 5 6: two over the bound, the oldest go
        List<LogQueue.Queued> rest = new ArrayList<>();
        queue.drain(rest, 10);
        assertThat(numbers(rest)).containsExactly(3, 4, 5, 6);
        assertThat(queue.dropped()).isEqualTo(2);
    }

    @Test
    void producersRacingStayWithinTheBoundAndLoseNothingUncounted() throws Exception {
        AtomicLong drops = new AtomicLong();
        LogQueue queue = new LogQueue(1000, 100, d -> drops.incrementAndGet());
        int threads = 4;
        int each = 50_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        List<Integer> maxSeen = new CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread producer = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                int max = 0;
                for (int i = 0; i < each; i++) {
                    queue.offer(doc(i));
                    max = Math.max(max, queue.size());
                }
                maxSeen.add(max);
            });
            producer.start();
            producers.add(producer);
        }
        List<LogQueue.Queued> drained = new ArrayList<>();
        go.countDown();
        for (Thread producer : producers) {
            while (producer.isAlive()) {
                queue.drain(drained, 100);
            }
        }
        queue.drain(drained, Integer.MAX_VALUE);
        assertThat(drained.size() + queue.dropped()).isEqualTo((long) threads * each);
        assertThat(drops.get()).isEqualTo(queue.dropped());
        assertThat(maxSeen).allSatisfy(max -> assertThat(max).isLessThanOrEqualTo(1000 + threads));
    }

    @Test
    void flushWaitsForWhatWasQueuedBeforeItAndWakesAParkedConsumer() throws Exception {
        LogQueue queue = new LogQueue(100, 10, d -> { });
        Thread consumer = new Thread(() -> {
            List<LogQueue.Queued> batch = new ArrayList<>();
            queue.awaitBatch(Duration.ofSeconds(60).toNanos()); // parked well past the test's bound
            queue.drain(batch, 10);
            queue.settle(batch.size(), 0);
            queue.held(List.of());
        });
        consumer.start();
        queue.offer(doc(1));
        queue.offer(doc(2)); // below the batch size: nothing wakes the consumer but a flush
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (consumer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < until) {
            Thread.sleep(1);
        }
        assertThat(consumer.getState()).isEqualTo(Thread.State.TIMED_WAITING);
        long t0 = System.nanoTime();
        assertThat(queue.flush(Duration.ofSeconds(20))).isTrue();
        System.out.printf("flush woke the parked consumer and settled in %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        consumer.join(5_000);
        assertThat(queue.sent()).isEqualTo(2);
        assertThat(queue.requests()).isEqualTo(1);
        assertThat(queue.hasPending()).isFalse();
    }

    @Test
    void dropsOfNewerRecordsDoNotEndAFlushWhileOlderOnesAreInHand() throws Exception {
        LogQueue queue = new LogQueue(3, 10, d -> { });
        queue.offer(doc(1));
        queue.offer(doc(2));
        queue.offer(doc(3));
        List<LogQueue.Queued> batch = new ArrayList<>();
        queue.drain(batch, 10); // 1..3 in hand, the server is down
        for (int i = 4; i <= 12; i++) {
            queue.offer(doc(i)); // 4..9 dropped while 1..3 wait in hand
        }
        assertThat(queue.dropped()).isEqualTo(6);
        assertThat(queue.flush(Duration.ofMillis(100))).as("1..3 are not sent yet").isFalse();
        queue.settle(3, 0);
        queue.held(List.of());
        assertThat(queue.flush(Duration.ofMillis(100))).as("10..12 still queued").isFalse();
        List<LogQueue.Queued> rest = new ArrayList<>();
        queue.drain(rest, 10);
        assertThat(numbers(rest)).containsExactly(10, 11, 12);
        queue.settle(3, 0);
        queue.held(List.of());
        assertThat(queue.flush(Duration.ofMillis(100))).isTrue();
    }

    @Test
    void racingTrimsDropOnlyWhatIsOverTheBound() throws Exception {
        for (int round = 0; round < 20; round++) {
            LogQueue queue = new LogQueue(100, 1_000, d -> { });
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread producer = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 1_000; i++) {
                        queue.offer(doc(i));
                    }
                });
                producer.start();
                producers.add(producer);
            }
            go.countDown();
            for (Thread producer : producers) {
                producer.join();
            }
            // Nothing drains: exactly the bound is kept, and exactly the rest was dropped.
            assertThat(queue.size()).isEqualTo(100);
            assertThat(queue.dropped()).isEqualTo(4_000 - 100);
        }
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThatThrownBy(() -> new LogQueue(0, 10, d -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queue_capacity and batch_size must be at least 1, got 0 and 10");
    }
}
