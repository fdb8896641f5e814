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
 * <p>Producers never lock: they append and trim. One consumer drains; its moves between the queue and its hand take a
 * small lock that only {@link #flush} shares. Every record gets a sequence number when it is offered.
 * {@link #flush(Duration)} waits until no record at or below the newest number at its call is left, neither in the
 * queue nor in the consumer's hand, so drops of newer records cannot make it return early.
 */
final class LogQueue {

    /** A record and its sequence number. */
    record Queued(long seq, ElasticDocument document) { }

    private static final long NONE = Long.MAX_VALUE;

    private final ConcurrentLinkedDeque<Queued> deque = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    /** Names this queue's records for the server: a retried record carries the same document id. */
    private final String origin = Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1, 36);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final Consumer<ElasticDocument> onDrop;

    /**
     * Returns the document id a record is indexed under: the same on every retry, so a request that timed out after
     * the server stored it is answered "exists" (409) the second time, not stored twice.
     *
     * @param queued a record of this queue
     * @return its id
     */
    String documentId(Queued queued) {
        return origin + "-" + queued.seq();
    }
    /** Guards moves between the queue and the consumer's hand (producers never take it). */
    private final Object hand = new Object();
    /** The oldest sequence number the consumer holds (drained, not yet settled), or {@link #NONE}. */
    private long inHand = NONE;
    private volatile int capacity;
    private volatile int batchSize;
    private volatile boolean flushRequested;
    private volatile Thread consumer;

    /**
     * Creates an empty queue; when it is full, the oldest record is dropped for each new one.
     *
     * @param capacity  the bound
     * @param batchSize the size at which the consumer is woken before its flush interval ends
     * @param onDrop    told of every dropped record (for metrics); must be quick and not throw
     */
    LogQueue(int capacity, int batchSize, Consumer<ElasticDocument> onDrop) {
        this.onDrop = onDrop;
        resize(capacity, batchSize);
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
        deque.addLast(new Queued(sequence.incrementAndGet(), document));
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

    /**
     * Drops the oldest records until the bound holds. Each drop first claims one unit of {@code size} (CAS), so
     * producers racing here drop one record per record over the bound, not one each.
     */
    private void trim() {
        while (true) {
            int n = size.get();
            if (n <= capacity) {
                return;
            }
            if (!size.compareAndSet(n, n - 1)) {
                continue;
            }
            Queued oldest = deque.pollFirst();
            if (oldest == null) {
                size.incrementAndGet(); // a drain took it and has not counted it yet: give the unit back
                return;
            }
            dropped.incrementAndGet();
            onDrop.accept(oldest.document());
        }
    }

    /**
     * Moves up to {@code max} records, oldest first, into {@code batch} (the consumer's hand).
     *
     * @return how many were moved
     */
    int drain(List<Queued> batch, int max) {
        // Under the hand lock: a flush never sees a record in neither place while it moves.
        synchronized (hand) {
            int moved = 0;
            while (moved < max) {
                Queued next = deque.pollFirst();
                if (next == null) {
                    break;
                }
                size.decrementAndGet();
                batch.add(next);
                moved++;
            }
            inHand = batch.isEmpty() ? NONE : batch.get(0).seq();
            return moved;
        }
    }

    /** Tells the queue what the consumer still holds (after a partial success, say); empty for nothing. */
    void held(List<Queued> batch) {
        synchronized (hand) {
            inHand = batch.isEmpty() ? NONE : batch.get(0).seq();
        }
    }

    /**
     * Puts records the consumer could not send back at the head, in order; if that overflows the bound, the oldest
     * (these, first) are dropped.
     */
    void returnFront(List<Queued> batch) {
        returnFront(batch, List.of());
    }

    /**
     * Puts {@code back} at the head of the queue while the consumer keeps {@code kept} (older records) in hand, in
     * one step for {@link #flush}.
     */
    void returnFront(List<Queued> back, List<Queued> kept) {
        synchronized (hand) {
            for (int i = back.size() - 1; i >= 0; i--) {
                deque.addFirst(back.get(i));
                size.incrementAndGet();
            }
            inHand = kept.isEmpty() ? NONE : kept.get(0).seq();
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
    }

    /** Records documents refused before any request (they could not be written as JSON). */
    void refuse(int count) {
        rejected.addAndGet(count);
    }

    /** Records a bulk request that failed as a whole. */
    void failedRequest() {
        requests.incrementAndGet();
    }

    /**
     * Waits until every record offered before this call was sent, refused or dropped.
     *
     * @return whether that happened within {@code timeout}
     */
    boolean flush(Duration timeout) throws InterruptedException {
        long target = sequence.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (oldestPending() <= target) {
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

    /** {@return the oldest sequence number still in the consumer's hand or in the queue, or {@link #NONE}} */
    private long oldestPending() {
        synchronized (hand) {
            Queued head = deque.peekFirst();
            return Math.min(inHand, head == null ? NONE : head.seq());
        }
    }

    /** {@return whether records offered so far are still waiting (in the queue or the consumer's hand)} */
    boolean hasPending() {
        return oldestPending() != NONE;
    }

    /** {@return records waiting in the queue (not those the consumer holds)} */
    int size() {
        return Math.max(0, size.get());
    }

    /** {@return records dropped because the queue was full} */
    long dropped() {
        return dropped.get();
    }

    /** {@return every record ever offered} */
    long enqueued() {
        return sequence.get();
    }

    /** {@return documents the server took} */
    long sent() {
        return sent.get();
    }

    /** {@return documents the server refused for good} */
    long rejected() {
        return rejected.get();
    }

    /** {@return bulk requests made (successful or not)} */
    long requests() {
        return requests.get();
    }

    int capacity() {
        return capacity;
    }
}
