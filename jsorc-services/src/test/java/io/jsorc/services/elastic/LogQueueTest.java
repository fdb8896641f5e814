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
    void aByteBoundKeepsLargeRecordsUnderItAndCountsWhatItDrops() {
        List<ElasticDocument> dropped = new ArrayList<>();
        long bound = 64 * 1024;
        // Record count is no bound here (100,000); 8 KiB messages (16 KiB estimated) leave room for about four.
        LogQueue queue = new LogQueue(100_000, bound, 100, dropped::add);
        String big = "x".repeat(8 * 1024);
        long maxBytes = 0;
        for (int i = 1; i <= 100; i++) {
            queue.offer(new ElasticDocument.Log("app", java.time.Instant.now(), "INFO", "test", big + i,
                    Map.of("n", i)));
            maxBytes = Math.max(maxBytes, queue.bytes());
            assertThat(queue.bytes()).isLessThanOrEqualTo(bound);
        }
        long each = LogQueue.estimate(new ElasticDocument.Log("app", java.time.Instant.now(), "INFO", "test",
                big + 100, Map.of("n", 100)));
        System.out.printf("byte bound %d B: %d records of ~%d B kept (%d B estimated, at most %d B seen), %d dropped%n",
                bound, queue.size(), each, queue.bytes(), maxBytes, queue.dropped());
        assertThat(queue.size()).isEqualTo((int) (bound / each));
        assertThat(queue.dropped()).isEqualTo(100 - queue.size());
        assertThat(dropped).hasSize((int) queue.dropped());
        // The oldest went: what is left is the newest, in order.
        List<LogQueue.Queued> batch = new ArrayList<>();
        queue.drain(batch, 1_000);
        assertThat(batch).extracting(q -> (Object) ((ElasticDocument.Log) q.document()).extra().get("n"))
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(101 - batch.size(), 100)
                        .<Object>mapToObj(n -> n).toList());
        assertThat(queue.bytes()).isZero();

        // A single record larger than the bound is dropped itself, and counted; the queue keeps what it had.
        queue.offer(doc(1));
        long before = queue.dropped();
        queue.offer(new ElasticDocument.Source("app", Map.of("blob", "y".repeat((int) bound))));
        assertThat(queue.dropped()).isEqualTo(before + 1);
        assertThat(dropped).hasSize((int) queue.dropped());
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.bytes()).isLessThanOrEqualTo(bound);
    }

    @Test
    void aReturnedBatchOverTheByteBoundDropsTheOldestAndASmallerBoundTrims() {
        List<ElasticDocument> dropped = new ArrayList<>();
        String text = "z".repeat(1000);
        long each = LogQueue.estimate(new ElasticDocument.Source("app", Map.of("t", text)));
        LogQueue queue = new LogQueue(1_000, each * 4, 10, dropped::add);
        for (int i = 0; i < 4; i++) {
            queue.offer(new ElasticDocument.Source("app", Map.of("t", text)));
        }
        List<LogQueue.Queued> batch = new ArrayList<>();
        queue.drain(batch, 2);
        queue.offer(new ElasticDocument.Source("app", Map.of("t", text)));
        queue.offer(new ElasticDocument.Source("app", Map.of("t", text)));
        assertThat(queue.dropped()).isZero();
        queue.returnFront(batch); // six records, room for four: the two returned (oldest) go
        assertThat(queue.size()).isEqualTo(4);
        assertThat(queue.dropped()).isEqualTo(2);
        assertThat(queue.bytes()).isEqualTo(each * 4);
        queue.resize(1_000, each * 2, 10);
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.dropped()).isEqualTo(4);
        assertThat(dropped).hasSize(4);
    }

    @Test
    void producersRacingStayWithinTheByteBound() throws Exception {
        AtomicLong drops = new AtomicLong();
        long bound = 200_000;
        LogQueue queue = new LogQueue(1_000_000, bound, 100, d -> drops.incrementAndGet());
        String text = "w".repeat(500);
        long each = LogQueue.estimate(new ElasticDocument.Source("app", Map.of("t", text)));
        int threads = 4;
        int per = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        List<Long> maxSeen = new CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread producer = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long max = 0;
                for (int i = 0; i < per; i++) {
                    queue.offer(new ElasticDocument.Source("app", Map.of("t", text)));
                    max = Math.max(max, queue.bytes());
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
        System.out.printf("racing producers, byte bound %d B (records of %d B): at most %s B seen, %d drained, "
                + "%d dropped%n", bound, each, maxSeen, drained.size(), queue.dropped());
        assertThat(drained.size() + queue.dropped()).isEqualTo((long) threads * per);
        assertThat(drops.get()).isEqualTo(queue.dropped());
        // A producer may see the others' appends before their trims: at most one record each over the bound.
        assertThat(maxSeen).allSatisfy(max -> assertThat(max).isLessThanOrEqualTo(bound + threads * each));
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThatThrownBy(() -> new LogQueue(0, 10, d -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queue_capacity and batch_size must be at least 1, got 0 and 10");
    }
}
