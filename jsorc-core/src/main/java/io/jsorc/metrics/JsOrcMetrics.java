package io.jsorc.metrics;

import io.jsorc.ComponentContext;
import io.jsorc.Service;
import io.jsorc.ServiceListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;

/**
 * JsOrc's own metrics on Micrometer, so a host's registry (Spring Boot's, say) sees them:
 * {@code jsorc.service.state} per service (the state's ordinal: 0 NOT_STARTED, 1 STARTED, 2 RUNNING, 3 FAILED,
 * 4 RESTART; -1 not built), {@code jsorc.service.transitions} per service and target state,
 * {@code jsorc.regeneration} (a timer per action and resulting state of each service a cycle looked at),
 * {@code jsorc.manifest.apply} (per resource kind and result), {@code jsorc.action.calls} (latency by module, mode and
 * outcome), {@code jsorc.requests} (the host requests of the action manager's benchmark) and
 * {@code jsorc.logs.dropped} (log records a full shipping queue dropped, per index) and {@code jsorc.config.pending}
 * (config writes the backend has not stored yet, e.g. while Redis is down).
 * In Prometheus form: {@code jsorc_service_state{service="redis"}}.
 */
public final class JsOrcMetrics implements MeterBinder, AutoCloseable {

    private final ComponentContext orchestrator;

    /**
     * Creates the binder of one orchestrator.
     *
     * @param orchestrator whose services and loop are measured (the orchestrator, or a component's context of it)
     */
    public JsOrcMetrics(ComponentContext orchestrator) {
        this.orchestrator = orchestrator;
    }

    /** What {@link #bindTo} subscribed, so {@link #close()} can end it: a rebuilt metrics service must not leak. */
    private final java.util.List<Runnable> unbind = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String name : orchestrator.components(Service.class).keySet()) {
            Gauge.builder("jsorc.service.state", orchestrator, o -> state(o, name))
                    .description("Lifecycle state of the service: 0 NOT_STARTED, 1 STARTED, 2 RUNNING, 3 FAILED, "
                            + "4 RESTART; -1 not built")
                    .tag("service", name).register(registry);
        }
        Gauge.builder("jsorc.leader", orchestrator, o -> o.leads() ? 1 : 0)
                .description("1 while this orchestrator is the one of its replicas that writes to the cluster (the "
                        + "elected leader; every orchestrator when no election runs), else 0")
                .register(registry);
        Gauge.builder("jsorc.config.pending", orchestrator, ComponentContext::pendingConfigWrites)
                .description("Config writes the config backend holds that have not reached its backing store yet")
                .register(registry);
        ServiceListener transitions = (service, from, to, error) -> Counter.builder("jsorc.service.transitions")
                .description("State transitions of services").tag("service", service).tag("to", to.name())
                .register(registry).increment();
        orchestrator.addListener(transitions);
        unbind.add(() -> orchestrator.removeListener(transitions));
        MetricsEvents events = MetricsEvents.of(orchestrator);
        keep(events.onApply(report -> report.entries().forEach(entry -> Counter.builder("jsorc.manifest.apply")
                .description("Manifest apply results per resource kind").tag("kind", entry.kind())
                .tag("result", entry.action().name()).register(registry).increment())));
        keep(events.onCall(call -> Timer.builder("jsorc.action.calls").description("Action calls")
                .tag("module", call.module()).tag("mode", call.mode()).tag("outcome", call.success() ? "ok" : "error")
                .publishPercentileHistogram().register(registry).record(Duration.ofNanos(call.nanos()))));
        keep(events.onRequest(request -> Timer.builder("jsorc.requests").description("Host requests marked for the "
                + "action manager's benchmark").tag("type", request.type()).tag("name", request.name())
                .publishPercentileHistogram().register(registry).record(Duration.ofNanos(request.nanos()))));
        keep(events.onDrop(dropped -> Counter.builder("jsorc.logs.dropped").description("Log records a full shipping "
                + "queue dropped, oldest first").tag("index", dropped.index()).register(registry)
                .increment(dropped.count())));
        keep(events.onRegeneration(entry -> Timer.builder("jsorc.regeneration")
                .description("What regeneration cycles did, per service").tag("service", entry.service())
                .tag("action", entry.action()).tag("state", entry.state().name()).register(registry)
                .record(entry.duration().isNegative() ? Duration.ZERO : entry.duration())));
    }

    private void keep(MetricsEvents.Subscription subscription) {
        unbind.add(subscription::close);
    }

    /** Ends every subscription {@link #bindTo} made; the registry's meters stay as they are. Idempotent. */
    @Override
    public void close() {
        unbind.forEach(Runnable::run);
        unbind.clear();
    }

    private static double state(ComponentContext orchestrator, String name) {
        if (orchestrator.isClosed()) {
            return -1;
        }
        for (io.jsorc.ServiceInfo info : orchestrator.status()) {
            if (info.name().equals(name)) {
                return info.state().ordinal();
            }
        }
        return -1;
    }
}
