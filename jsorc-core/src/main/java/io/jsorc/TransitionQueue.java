package io.jsorc;

import io.jsorc.lifecycle.OrderedAnnouncer;
import org.slf4j.Logger;

/**
 * The transitions of one service instance not yet told to its listener: queued while the service holds its lock,
 * told after it released it, one thread at a time and in the order they happened, so a listener never sees
 * {@code FAILED} before the {@code RUNNING} that preceded it. A listener that throws is logged; the rest are told.
 */
final class TransitionQueue {

    /** One transition waiting to be told. */
    private record Transition(ServiceState from, ServiceState to, Throwable cause) { }

    private final OrderedAnnouncer<Transition> announcer = new OrderedAnnouncer<>();
    /** Set once, by {@code bind}; until then transitions are told to nobody. */
    private ServiceListener listener = (s, from, to, e) -> { };

    void listenWith(ServiceListener transitions) {
        this.listener = transitions;
    }

    /** Queues a transition; the caller holds the service's lock and calls {@link #deliver} after releasing it. */
    void queue(ServiceState from, ServiceState to, Throwable cause) {
        announcer.queue(new Transition(from, to, cause));
    }

    /** Tells the listener the queued transitions of {@code service}, outside the lock, one at a time, in order. */
    void deliver(String service, Logger log) {
        announcer.deliver(next -> {
            try {
                listener.onTransition(service, next.from(), next.to(), next.cause());
            } catch (RuntimeException e) {
                log.warn("A listener threw on {} -> {} of service '{}'", next.from(), next.to(), service, e);
            }
        });
    }
}
