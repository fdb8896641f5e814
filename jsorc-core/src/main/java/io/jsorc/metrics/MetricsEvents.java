package io.jsorc.metrics;

import io.jsorc.ComponentContext;
import io.jsorc.ServiceState;
import io.jsorc.manifest.ApplyReport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Events that modules report, per orchestrator: manifest applies (the kube module), action calls, request latencies
 * and placement changes (the action manager), log records dropped by a full shipping queue (the elastic service).
 * {@link JsOrcMetrics} and the elastic service's log shipping listen; reporting with no listener costs a list check.
 * Every {@code on...} method returns a {@link Subscription} that removes the listener again.
 */
public final class MetricsEvents {

    /**
     * One action call.
     *
     * @param module  the module name
     * @param mode    {@code LOCAL} or {@code REMOTE}
     * @param nanos   how long it took
     * @param success whether it returned
     */
    public record ActionCall(String module, String mode, long nanos, boolean success) { }

    /**
     * One host request marked for the benchmark.
     *
     * @param type  the request type
     * @param name  the request name
     * @param nanos how long it took
     */
    public record Request(String type, String name, long nanos) { }

    /**
     * An action module's calls were routed to another placement.
     *
     * @param module the module name
     * @param from   the mode calls went to before ({@code LOCAL}, {@code REMOTE}), or {@code null} when none
     * @param to     the mode calls go to now, or {@code null} when the module has no placement left
     */
    public record PlacementChange(String module, String from, String to) { }

    /**
     * Log records a full shipping queue dropped (the oldest go first).
     *
     * @param index the index the records were bound for
     * @param count how many
     */
    public record LogsDropped(String index, long count) { }

    /**
     * What one regeneration cycle did to one service.
     *
     * @param service  the service name
     * @param action   what the loop did: a {@code RegenerationReport.Action} name ({@code NONE},
     *                 {@code DEFERRED}, {@code WAITING_FOR_MANIFEST}, {@code WAITING_FOR_LEADER}, {@code REFRESHED},
     *                 {@code DROPPED}, {@code APPLIED_FOR_FOLLOWERS})
     * @param state    the service's state afterwards
     * @param duration how long the examination took
     * @param detail   a short explanation
     */
    public record Regenerated(String service, String action, ServiceState state, java.time.Duration duration,
                              String detail) { }

    /** Removes the listener it was returned for; idempotent. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private final List<Consumer<ApplyReport>> applies = new CopyOnWriteArrayList<>();
    private final List<Consumer<ActionCall>> calls = new CopyOnWriteArrayList<>();
    private final List<Consumer<Request>> requests = new CopyOnWriteArrayList<>();
    private final List<Consumer<PlacementChange>> placements = new CopyOnWriteArrayList<>();
    private final List<Consumer<LogsDropped>> drops = new CopyOnWriteArrayList<>();
    private final List<Consumer<Regenerated>> regenerations = new CopyOnWriteArrayList<>();

    private MetricsEvents() {
    }

    /**
     * Returns the events of one orchestrator, created on first use.
     *
     * @param context the orchestrator (or any component context of it)
     * @return its events
     */
    public static MetricsEvents of(ComponentContext context) {
        return context.shared(MetricsEvents.class, MetricsEvents::new);
    }

    /**
     * Reports a manifest apply.
     *
     * @param report a manifest apply that happened
     */
    public void applied(ApplyReport report) {
        applies.forEach(listener -> listener.accept(report));
    }

    /**
     * Reports an action call.
     *
     * @param call an action call that happened
     */
    public void called(ActionCall call) {
        for (Consumer<ActionCall> listener : calls) {
            listener.accept(call);
        }
    }

    /** {@return whether anyone listens to action calls (so callers can skip building the event)} */
    public boolean observingCalls() {
        return !calls.isEmpty();
    }

    /**
     * Reports a host request that ended.
     *
     * @param request a host request that ended
     */
    public void requested(Request request) {
        requests.forEach(listener -> listener.accept(request));
    }

    /**
     * Reports an action module's placement change.
     *
     * @param change an action module that changed placement
     */
    public void placed(PlacementChange change) {
        placements.forEach(listener -> listener.accept(change));
    }

    /**
     * Reports log records a full shipping queue dropped.
     *
     * @param dropped log records a full queue dropped
     */
    public void dropped(LogsDropped dropped) {
        drops.forEach(listener -> listener.accept(dropped));
    }

    /**
     * Reports what a regeneration cycle did to one service.
     *
     * @param regenerated the examination's outcome
     */
    public void regenerated(Regenerated regenerated) {
        regenerations.forEach(listener -> listener.accept(regenerated));
    }

    /**
     * Listens to what regeneration cycles do, service by service.
     *
     * @param listener told of every service a cycle looked at
     * @return removes the listener
     */
    public Subscription onRegeneration(Consumer<Regenerated> listener) {
        return subscribe(regenerations, listener);
    }

    /**
     * Listens to manifest applies.
     *
     * @param listener told of every manifest apply
     * @return removes the listener
     */
    public Subscription onApply(Consumer<ApplyReport> listener) {
        return subscribe(applies, listener);
    }

    /**
     * Listens to action calls.
     *
     * @param listener told of every action call
     * @return removes the listener
     */
    public Subscription onCall(Consumer<ActionCall> listener) {
        return subscribe(calls, listener);
    }

    /**
     * Listens to host requests marked for the benchmark.
     *
     * @param listener told of every host request
     * @return removes the listener
     */
    public Subscription onRequest(Consumer<Request> listener) {
        return subscribe(requests, listener);
    }

    /**
     * Listens to placement changes of action modules.
     *
     * @param listener told of every placement change of an action module
     * @return removes the listener
     */
    public Subscription onPlacement(Consumer<PlacementChange> listener) {
        return subscribe(placements, listener);
    }

    /**
     * Listens to log records dropped by a full shipping queue.
     *
     * @param listener told of log records dropped by a full shipping queue
     * @return removes the listener
     */
    public Subscription onDrop(Consumer<LogsDropped> listener) {
        return subscribe(drops, listener);
    }

    private static <E> Subscription subscribe(List<Consumer<E>> listeners, Consumer<E> listener) {
        java.util.Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
