package io.jsorc.services.redis;

import io.jsorc.base.DaemonThreads;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The config writes of one orchestrator that Redis has not taken yet, and the daemon ({@code jsorc-config-sync})
 * that retries them and watches Redis's data set: every {@value #PERIOD_MS} ms it runs the hook's tick. Started on
 * first use, stopped by {@link #close()}.
 */
final class PendingWrites implements AutoCloseable {

    /** How often the daemon ticks. */
    static final long PERIOD_MS = 200;

    /** What a pending write does. */
    enum Op { SET, DEFAULT, DEL }

    /**
     * A write kept for later.
     *
     * @param op        what it does
     * @param json      the value ({@code null} for a delete)
     * @param base      the stored version it was based on ({@link RedisConfigScripts#NONE} when none was known)
     * @param baseEpoch the data set that version belongs to ({@code ""} when unknown)
     */
    record Pending(Op op, String json, long base, String baseEpoch) { }

    private final ConcurrentMap<String, Pending> writes = new ConcurrentHashMap<>();
    private final Runnable tick;
    private Thread daemon;
    private boolean closed;

    PendingWrites(Runnable tick) {
        this.tick = tick;
    }

    /** Starts the daemon unless it runs or this is closed. */
    synchronized void startDaemon() {
        if (daemon == null && !closed) {
            daemon = DaemonThreads.start("jsorc-config-sync", this::loop);
        }
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
            tick.run();
        }
    }

    Pending get(String key) {
        return writes.get(key);
    }

    /** Keeps a write; a later write of the same key keeps the base of the first, which Redis has not seen. */
    void put(String key, Pending write) {
        writes.merge(key, write, (old, next) -> old.op() == Op.DEFAULT ? next
                : new Pending(next.op(), next.json(), old.base(), old.baseEpoch()));
    }

    void putIfAbsent(String key, Pending write) {
        writes.putIfAbsent(key, write);
    }

    boolean remove(String key, Pending write) {
        return writes.remove(key, write);
    }

    void remove(String key) {
        writes.remove(key);
    }

    boolean contains(String key) {
        return writes.containsKey(key);
    }

    boolean isEmpty() {
        return writes.isEmpty();
    }

    int size() {
        return writes.size();
    }

    Set<String> keys() {
        return new TreeSet<>(writes.keySet());
    }

    Map<String, Pending> snapshot() {
        return Map.copyOf(writes);
    }

    /** Stops the daemon (bounded wait); the pending writes stay, unwritten. */
    @Override
    public void close() {
        Thread current;
        synchronized (this) {
            closed = true;
            current = daemon;
            daemon = null;
        }
        if (current != null) {
            DaemonThreads.interruptAndJoin(current, Duration.ofSeconds(5));
        }
    }
}
