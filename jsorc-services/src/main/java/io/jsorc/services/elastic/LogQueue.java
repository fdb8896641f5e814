package io.jsorc.services.elastic;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The bounded, never-blocking queue between whoever logs and the bulk sender. When it is full the oldest record
 * goes (and is counted): a caller never waits for Elasticsearch, and what survives an outage is the most recent.
 *
 * <p>Lock-free: producers append and trim, one consumer drains. The bound can be overshot for an instant by the
 * number of producers racing, never more. Every record gets a sequence number; a record is settled once it was
 * sent, rejected by the server or dropped, which lets {@link #flush(Duration)} wait for "everything queued before
 * now".
 */
final class LogQueue {

    private final ConcurrentLinkedDeque<ElasticDocument> deque = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong settled = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final Consumer<ElasticDocument> onDrop;
    private volatile int capacity;
    private volatile int batchSize;
    private volatile boolean flushRequested;
    private volatile Thread consumer;

    /**
     * @param capacity  the bound
     * @param batchSize the size at which the consumer is woken before its flush interval ends
     * @param onDrop    told of every dropped record (for metrics); must be quick and not throw
     */
    LogQueue(int capacity, int batchSize, Consumer<ElasticDocument> onDrop) {
        resize(capacity, batchSize);
        this.onDrop = onDrop;
    }

    /** Changes the bound and the wake-up size; records over a smaller bound are dropped, oldest first. */
    void resize(int newCapacity, int newBatchSize) {
        if (newCapacity < 1 || newBatchSize < 1) {
            throw new IllegalArgumentException("queue_capacity and batch_size must be at least 1, got "
                    + newCapacity + " and " + newBatchSize);
        }
        capacity = newCapacity;
        batchSize = newBatchSize;
        trim();
    }

    /** Appends a record; never blocks. */
    void offer(ElasticDocument document) {
        enqueued.incrementAndGet();
        deque.addLast(document);
        int n = size.incrementAndGet();
        if (n > capacity) {
            trim();
        } else if (n == batchSize) {
            Thread waiting = consumer;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }
    }

    private void trim() {
        while (size.get() > capacity) {
            ElasticDocument oldest = deque.pollFirst();
            if (oldest == null) {
                return;
            }
            size.decrementAndGet();
            dropped.incrementAndGet();
            settled.incrementAndGet();
            onDrop.accept(oldest);
        }
    }

    /**
     * Moves up to {@code max} records, oldest first, into {@code batch}.
     *
     * @return how many were moved
     */
    int drain(List<ElasticDocument> batch, int max) {
        int moved = 0;
        while (moved < max) {
            ElasticDocument next = deque.pollFirst();
            if (next == null) {
                break;
            }
            size.decrementAndGet();
            batch.add(next);
            moved++;
        }
        return moved;
    }

    /**
     * Puts records the consumer could not send back at the head, in order; if that overflows the bound, the oldest
     * (these, first) are dropped.
     */
    void returnFront(List<ElasticDocument> batch) {
        for (int i = batch.size() - 1; i >= 0; i--) {
            deque.addFirst(batch.get(i));
            size.incrementAndGet();
        }
        trim();
    }

    /**
     * Parks the consumer until a full batch is waiting, a flush is requested, or {@code maxWaitNanos} passed.
     * Spurious returns are fine: the caller drains what there is.
     */
    void awaitBatch(long maxWaitNanos) {
        consumer = Thread.currentThread();
        if (size.get() >= batchSize || flushRequested) {
            flushRequested = false;
            return;
        }
        LockSupport.parkNanos(this, maxWaitNanos);
        flushRequested = false;
    }

    /** Records one bulk request's outcome: {@code sent} documents taken, {@code refused} refused for good. */
    void settle(int sentCount, int refusedCount) {
        requests.incrementAndGet();
        sent.addAndGet(sentCount);
        rejected.addAndGet(refusedCount);
        settled.addAndGet(sentCount + refusedCount);
    }

    /** Records a bulk request that failed as a whole. */
    void failedRequest() {
        requests.incrementAndGet();
    }

    /**
     * Waits until every record queued before this call is settled (sent, refused or dropped).
     *
     * @return whether that happened within {@code timeout}
     */
    boolean flush(Duration timeout) throws InterruptedException {
        long target = enqueued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (settled.get() < target) {
            flushRequested = true;
            Thread waiting = consumer;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    /** @return records waiting (not those the consumer holds) */
    int size() {
        return Math.max(0, size.get());
    }

    /** @return records dropped because the queue was full */
    long dropped() {
        return dropped.get();
    }

    /** @return every record ever offered */
    long enqueued() {
        return enqueued.get();
    }

    /** @return records sent, refused or dropped */
    long settled() {
        return settled.get();
    }

    /** @return documents the server took */
    long sent() {
        return sent.get();
    }

    /** @return documents the server refused for good */
    long rejected() {
        return rejected.get();
    }

    /** @return bulk requests made (successful or not) */
    long requests() {
        return requests.get();
    }

    int capacity() {
        return capacity;
    }
}
