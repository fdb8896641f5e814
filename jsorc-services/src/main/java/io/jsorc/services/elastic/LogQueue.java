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
 * <p>Two bounds hold: a record count ({@code queue_capacity}) and an estimate of the bytes the records hold
 * ({@code queue_max_bytes}, see {@link #estimate}). A new record that would pass either drops the oldest records until
 * both hold again; a single record larger than the byte bound is dropped itself. Every drop is counted and reported
 * the same way. Both bounds cover the records waiting in the queue; the consumer's hand (at most a batch) is outside.
 *
 * <p>Producers never lock: they append and trim. One consumer drains; its moves between the queue and its hand take a
 * small lock that only {@link #flush} shares. Every record gets a sequence number when it is offered.
 * {@link #flush(Duration)} waits until no record at or below the newest number at its call is left, neither in the
 * queue nor in the consumer's hand, so drops of newer records cannot make it return early.
 */
final class LogQueue {

    /** A record and its sequence number. */
    record Queued(long seq, ElasticDocument document, long bytes) {

        /** A record with its size estimated now. */
        Queued(long seq, ElasticDocument document) {
            this(seq, document, estimate(document));
        }
    }

    /** Per record, whatever its content: the record objects, the queue node, the timestamp. */
    static final int RECORD_OVERHEAD = 96;
    /** Per field of a map or element of a list: the entry and its boxing. */
    static final int FIELD_OVERHEAD = 32;
    /** A value that is not text, a map or a list (a number, a boolean, an instant, ...). */
    static final int SCALAR = 16;
    /** How deep nested maps and lists are walked; below that a value counts as {@link #SCALAR}. */
    private static final int MAX_DEPTH = 4;

    private static final long NONE = Long.MAX_VALUE;

    private final ConcurrentLinkedDeque<Queued> deque = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    /** The estimated bytes of the records in the queue (not in the consumer's hand). */
    private final AtomicLong bytes = new AtomicLong();
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
    private volatile long maxBytes;
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
        this(capacity, Long.MAX_VALUE, batchSize, onDrop);
    }

    /**
     * Creates an empty queue with a record bound and a byte bound; over either, the oldest records are dropped.
     *
     * @param capacity  the bound in records
     * @param maxBytes  the bound in estimated bytes ({@link #estimate})
     * @param batchSize the size at which the consumer is woken before its flush interval ends
     * @param onDrop    told of every dropped record (for metrics); must be quick and not throw
     */
    LogQueue(int capacity, long maxBytes, int batchSize, Consumer<ElasticDocument> onDrop) {
        this.onDrop = onDrop;
        resize(capacity, maxBytes, batchSize);
    }

    /** Changes the bound and the wake-up size; records over a smaller bound are dropped, oldest first. */
    void resize(int newCapacity, int newBatchSize) {
        resize(newCapacity, maxBytes == 0 ? Long.MAX_VALUE : maxBytes, newBatchSize);
    }

    /** Changes both bounds and the wake-up size; records over a smaller bound are dropped, oldest first. */
    void resize(int newCapacity, long newMaxBytes, int newBatchSize) {
        if (newCapacity < 1 || newBatchSize < 1) {
            throw new IllegalArgumentException("queue_capacity and batch_size must be at least 1, got "
                    + newCapacity + " and " + newBatchSize);
        }
        if (newMaxBytes < 1) {
            throw new IllegalArgumentException("queue_max_bytes must be at least 1, got " + newMaxBytes);
        }
        capacity = newCapacity;
        maxBytes = newMaxBytes;
        batchSize = newBatchSize;
        trim();
        trimBytes();
    }

    /** Appends a record; never blocks. A record larger than the byte bound is dropped (and counted) at once. */
    void offer(ElasticDocument document) {
        Queued queued = new Queued(sequence.incrementAndGet(), document);
        if (queued.bytes() > maxBytes) {
            drop(queued);
            return;
        }
        deque.addLast(queued);
        int n = size.incrementAndGet();
        if (bytes.addAndGet(queued.bytes()) > maxBytes) {
            trimBytes();
        }
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
        while (dropOldestAbove(capacity)) {
            // one record over the count bound dropped per round
        }
    }

    /**
     * Drops the oldest records until the estimated bytes are within the byte bound. Every producer over the bound
     * trims by itself (none waits for, or leaves the work to, another that may be descheduled). Producers racing here
     * may drop a record or two more than strictly needed, never fewer, and every one is counted.
     */
    private void trimBytes() {
        while (bytes.get() > maxBytes && dropOldestAbove(0)) {
            // one record dropped per round until the bytes fit
        }
    }

    /**
     * Drops the oldest record while more than {@code floor} are queued: first claims a unit of {@code size} (CAS), so
     * producers racing here drop one record per record over the bound, not one each.
     *
     * @return whether a record was dropped; false when the bound holds or a drain holds what is over
     */
    private boolean dropOldestAbove(int floor) {
        while (true) {
            int n = size.get();
            if (n <= floor) {
                return false; // within the bound, or what is over is in a drain's hands, about to be subtracted
            }
            if (size.compareAndSet(n, n - 1)) {
                break;
            }
        }
        Queued oldest = deque.pollFirst();
        if (oldest == null) {
            size.incrementAndGet(); // a drain took it and has not counted it yet: give the unit back
            return false;
        }
        bytes.addAndGet(-oldest.bytes());
        drop(oldest);
        return true;
    }

    private void drop(Queued record) {
        dropped.incrementAndGet();
        onDrop.accept(record.document());
    }

    /**
     * Estimates what a record holds in memory, cheaply and on the caller's thread (nothing is serialised): a fixed
     * {@link #RECORD_OVERHEAD}, two bytes per character of every text (index, level, logger, message, field names and
     * text values), {@link #FIELD_OVERHEAD} per field or list element, {@link #SCALAR} per other value; nested maps
     * and lists are walked to a depth of four. It is an estimate of the heap kept alive, not of the JSON sent.
     *
     * @param document a record
     * @return its estimated size in bytes
     */
    static long estimate(ElasticDocument document) {
        long total = RECORD_OVERHEAD + chars(document.index());
        if (document instanceof ElasticDocument.Log log) {
            total += chars(log.level()) + chars(log.logger()) + chars(log.message());
            if (log.extra() != null) {
                total += estimateValue(log.extra(), 1);
            }
        } else if (document instanceof ElasticDocument.Source source) {
            total += estimateValue(source.source(), 1);
        }
        return total;
    }

    private static long chars(String text) {
        return text == null ? 0 : 2L * text.length();
    }

    private static long estimateValue(Object value, int depth) {
        if (value instanceof CharSequence text) {
            return 2L * text.length();
        }
        if (depth > MAX_DEPTH) {
            return SCALAR;
        }
        if (value instanceof java.util.Map<?, ?> map) {
            long total = 0;
            for (java.util.Map.Entry<?, ?> entry : map.entrySet()) {
                total += FIELD_OVERHEAD + (entry.getKey() instanceof CharSequence key ? 2L * key.length() : SCALAR)
                        + estimateValue(entry.getValue(), depth + 1);
            }
            return total;
        }
        if (value instanceof java.util.Collection<?> list) {
            long total = 0;
            for (Object element : list) {
                total += FIELD_OVERHEAD + estimateValue(element, depth + 1);
            }
            return total;
        }
        if (value instanceof Object[] array) {
            return estimateValue(java.util.Arrays.asList(array), depth);
        }
        return SCALAR;
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
                bytes.addAndGet(-next.bytes());
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
                bytes.addAndGet(back.get(i).bytes());
            }
            inHand = kept.isEmpty() ? NONE : kept.get(0).seq();
        }
        trim();
        trimBytes();
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

    /** {@return the bound in estimated bytes} */
    long maxBytes() {
        return maxBytes;
    }

    /** {@return the estimated bytes of the records waiting in the queue (not those the consumer holds)} */
    long bytes() {
        return Math.max(0, bytes.get());
    }
}
