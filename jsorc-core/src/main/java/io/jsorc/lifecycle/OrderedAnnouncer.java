package io.jsorc.lifecycle;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Tells listeners what happened, outside the caller's locks and in the order it happened: events are queued (by
 * callers that hold the lock that orders them) and one thread at a time delivers them; a thread that finds a
 * delivery under way leaves its events to the delivering thread. A service's transitions use it, so a listener never
 * sees FAILED before the RUNNING that preceded it.
 *
 * @param <E> the event type
 */
public final class OrderedAnnouncer<E> {

    private final ArrayDeque<E> pending = new ArrayDeque<>();
    private boolean delivering;

    /** Creates an announcer with nothing queued. */
    public OrderedAnnouncer() {
    }

    /**
     * Queues an event; call it while holding the lock that orders the events, then call {@link #deliver} after
     * releasing it.
     *
     * @param event the event
     */
    public synchronized void queue(E event) {
        pending.addLast(event);
    }

    /**
     * Delivers the queued events, oldest first, unless another thread is delivering (it takes them then).
     *
     * @param sink told each event; what it throws is its own business (it should log and carry on)
     */
    public void deliver(Consumer<E> sink) {
        while (true) {
            E next;
            synchronized (this) {
                if (delivering || pending.isEmpty()) {
                    return;
                }
                delivering = true;
                next = pending.pollFirst();
            }
            try {
                sink.accept(next);
            } finally {
                synchronized (this) {
                    delivering = false;
                }
            }
        }
    }
}
