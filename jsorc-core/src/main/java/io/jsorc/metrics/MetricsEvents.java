package io.jsorc.metrics;

import io.jsorc.Orchestrator;
import io.jsorc.regen.ApplyReport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Events that modules report for metrics, per orchestrator: manifest applies (the kube module), action calls and
 * request latencies (the action manager). {@link JsOrcMetrics} listens; reporting with no listener costs a list
 * check.
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

    private final List<Consumer<ApplyReport>> applies = new CopyOnWriteArrayList<>();
    private final List<Consumer<ActionCall>> calls = new CopyOnWriteArrayList<>();
    private final List<Consumer<Request>> requests = new CopyOnWriteArrayList<>();

    private MetricsEvents() {
    }

    /**
     * @param orchestrator an orchestrator
     * @return its events
     */
    public static MetricsEvents of(Orchestrator orchestrator) {
        return orchestrator.shared(MetricsEvents.class, MetricsEvents::new);
    }

    /** @param report a manifest apply that happened */
    public void applied(ApplyReport report) {
        applies.forEach(listener -> listener.accept(report));
    }

    /** @param call an action call that happened */
    public void called(ActionCall call) {
        for (Consumer<ActionCall> listener : calls) {
            listener.accept(call);
        }
    }

    /** @return whether anyone listens to action calls (so callers can skip building the event) */
    public boolean observingCalls() {
        return !calls.isEmpty();
    }

    /** @param request a host request that ended */
    public void requested(Request request) {
        requests.forEach(listener -> listener.accept(request));
    }

    /** @param listener told of every manifest apply */
    public void onApply(Consumer<ApplyReport> listener) {
        applies.add(listener);
    }

    /** @param listener told of every action call */
    public void onCall(Consumer<ActionCall> listener) {
        calls.add(listener);
    }

    /** @param listener told of every host request */
    public void onRequest(Consumer<Request> listener) {
        requests.add(listener);
    }
}
