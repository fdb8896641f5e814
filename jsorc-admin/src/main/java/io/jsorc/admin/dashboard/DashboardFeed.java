package io.jsorc.admin.dashboard;

import io.jsorc.CommonService;
import io.jsorc.ServiceInfo;
import io.jsorc.ServiceListener;
import io.jsorc.ServiceState;
import io.jsorc.action.ActionManager;
import io.jsorc.action.ActionStatus;
import io.jsorc.base.DaemonThreads;
import io.jsorc.base.Json;
import io.jsorc.base.Secrets;
import io.jsorc.manifest.ApplyReport;
import io.jsorc.metrics.MetricsEvents;
import io.jsorc.operate.OperatorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Turns what the orchestrator does into the dashboard's events. The core's hooks (service transitions, regeneration
 * results, manifest applies, placement changes, requests and action calls) only drop a small record into a bounded
 * inbox, so the threads that report never wait on the dashboard; one daemon ({@code jsorc-admin-events}) drains it,
 * updates {@link FeedState} and publishes to the {@link EventHub}, and once a second rolls the benchmark window,
 * looks at the action modules and, every {@value #HEARTBEAT_SECONDS} s, sends a heartbeat. A second daemon checks the
 * health of the running services every {@value #HEALTH_SECONDS} s (a hung check stalls only that daemon).
 */
public final class DashboardFeed implements AutoCloseable {

    /** Events that may wait in the inbox; beyond that they are counted as lost. */
    static final int INBOX = 10_000;
    /** Seconds between heartbeats. */
    static final int HEARTBEAT_SECONDS = 10;
    /** Seconds between health sweeps. */
    static final int HEALTH_SECONDS = 10;

    private static final Logger log = LoggerFactory.getLogger(DashboardFeed.class);

    /** An event waiting to be published: its type, its payload, and the service whose timeline it extends. */
    private record Pending(String type, Map<String, Object> data, String service, String kind) { }

    private final OperatorContext operator;
    private final Supplier<ActionManager> actions;
    private final EventHub hub;
    private final FeedState state = new FeedState();
    private final BenchmarkWindow window = new BenchmarkWindow();
    private final BlockingQueue<Pending> inbox = new ArrayBlockingQueue<>(INBOX);
    private final AtomicLong lost = new AtomicLong();
    private final List<MetricsEvents.Subscription> subscriptions = new ArrayList<>();
    private final ServiceListener transitions = this::transition;
    private volatile boolean running;
    private Thread pump;
    private Thread healthSweep;

    /**
     * Creates the feed of one orchestrator.
     *
     * @param operator the orchestrator
     * @param actions  its action manager (may throw when it has none)
     * @param hub      where events go
     */
    public DashboardFeed(OperatorContext operator, Supplier<ActionManager> actions, EventHub hub) {
        this.operator = operator;
        this.actions = actions;
        this.hub = hub;
    }

    /** Subscribes to the orchestrator's hooks and starts the daemons. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        long now = System.currentTimeMillis();
        operator.serviceNames().forEach(name -> state.entered(name, now));
        operator.components().addListener(transitions);
        MetricsEvents events = MetricsEvents.of(operator.components());
        subscriptions.add(events.onRegeneration(this::regenerated));
        subscriptions.add(events.onApply(this::applied));
        subscriptions.add(events.onPlacement(this::placed));
        subscriptions.add(events.onRequest(r -> window.request(r.type(), r.nanos())));
        subscriptions.add(events.onCall(c -> window.call(c.module(), c.mode(), c.success(), c.nanos())));
        pump = DaemonThreads.start("jsorc-admin-events", this::pump);
        healthSweep = DaemonThreads.start("jsorc-admin-health-sweep", this::sweep);
    }

    /** {@return how many events were lost to a full inbox} */
    public long lost() {
        return lost.get();
    }

    // ---- hooks: called on the orchestrator's threads; they only enqueue ----

    private void transition(String service, ServiceState from, ServiceState to, Throwable error) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("ts", System.currentTimeMillis());
        data.put("name", service);
        data.put("from", from.name());
        data.put("to", to.name());
        data.put("error", error == null ? null : Secrets.maskText(error.toString()));
        enqueue(new Pending("service", data, service, to == ServiceState.FAILED ? "failure"
                : to == ServiceState.RUNNING ? "running" : "state"));
    }

    private void regenerated(MetricsEvents.Regenerated r) {
        if (r.action().equals("NONE")) {
            return; // a healthy service looked at: routine, every cycle
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("ts", System.currentTimeMillis());
        data.put("service", r.service());
        data.put("action", r.action());
        data.put("state", r.state() == null ? null : r.state().name());
        data.put("duration_ms", r.duration().toNanos() / 1e6);
        data.put("detail", r.detail() == null ? null : Secrets.maskText(r.detail()));
        String kind = switch (r.action()) {
            case "DEFERRED" -> "backoff";
            case "WAITING_FOR_MANIFEST" -> "manifest";
            case "REFRESHED" -> r.state() == ServiceState.RUNNING ? "ready" : "failure";
            default -> r.action().toLowerCase(java.util.Locale.ROOT);
        };
        enqueue(new Pending("regeneration", data, r.service(), kind));
    }

    private void applied(ApplyReport report) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("ts", System.currentTimeMillis());
        data.put("key", report.key());
        data.put("ok", report.ok());
        Map<String, Integer> counts = new LinkedHashMap<>();
        report.counts().forEach((action, n) -> counts.put(action.name().toLowerCase(java.util.Locale.ROOT), n));
        data.put("counts", counts);
        data.put("failed", report.failed().stream().limit(20)
                .map(e -> e.resource() + ": " + Secrets.maskText(String.valueOf(e.error()))).toList());
        enqueue(new Pending("apply", data, serviceOfManifest(report.key()), "applied"));
    }

    private void placed(MetricsEvents.PlacementChange change) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("ts", System.currentTimeMillis());
        data.put("module", change.module());
        data.put("from", change.from());
        data.put("to", change.to());
        enqueue(new Pending("placement", data, null, null));
    }

    private void enqueue(Pending pending) {
        if (running && !inbox.offer(pending)) {
            lost.incrementAndGet();
        }
    }

    private String serviceOfManifest(String key) {
        for (String name : operator.serviceNames()) {
            if (operator.manifestKeyOf(name).filter(key::equals).isPresent()) {
                return name;
            }
        }
        return null;
    }

    // ---- the feed's daemon ----

    private void pump() {
        long nextTick = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        long lastRoll = System.nanoTime();
        int ticks = 0;
        while (running) {
            try {
                Pending pending = inbox.poll(Math.max(0, nextTick - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (pending != null) {
                    publish(pending);
                }
                if (System.nanoTime() - nextTick >= 0) {
                    long now = System.nanoTime();
                    Map<String, Object> second = window.roll(System.currentTimeMillis(), (now - lastRoll) / 1e9);
                    lastRoll = now;
                    state.benchmark(second);
                    hub.publish("benchmark", second, false);
                    refreshActions();
                    hub.revalidate(); // a session that ended (expired, signed out elsewhere) ends its streams
                    if (++ticks % HEARTBEAT_SECONDS == 0) {
                        hub.broadcast(SseFrame.comment("heartbeat " + hub.lastId()));
                    }
                    nextTick += TimeUnit.SECONDS.toNanos(1);
                    if (nextTick - now < 0) {
                        nextTick = now + TimeUnit.SECONDS.toNanos(1); // fell behind: do not burst
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("The dashboard feed skipped an event: {}", e.toString());
            }
        }
    }

    private void publish(Pending pending) {
        long ts = ((Number) pending.data().get("ts")).longValue();
        if (pending.service() != null) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("ts", ts);
            entry.put("kind", pending.kind());
            entry.put("state", pending.data().getOrDefault("to", pending.data().get("state")));
            entry.put("detail", detailOf(pending));
            state.timeline(pending.service(), entry);
            if (pending.type().equals("service")) {
                state.entered(pending.service(), ts);
            } else if ("backoff".equals(pending.kind())) {
                state.backoff(pending.service(), String.valueOf(pending.data().get("detail")));
            }
        }
        if (pending.type().equals("placement")) {
            state.placement(pending.data());
        }
        hub.publish(pending.type(), pending.data(), true);
    }

    private static Object detailOf(Pending pending) {
        Map<String, Object> data = pending.data();
        return switch (pending.type()) {
            case "service" -> data.get("error") != null ? data.get("error")
                    : data.get("from") + " -> " + data.get("to");
            case "apply" -> "manifest " + data.get("key") + " applied: " + data.get("counts");
            default -> data.get("action") + ": " + data.get("detail");
        };
    }

    /** Publishes the action modules' view when it changed (remote servers turn READY without an event). */
    private void refreshActions() {
        Map<String, Object> view = actionsView();
        if (!view.equals(state.actions())) {
            state.actions(view);
            hub.publish("actions", view, true);
        }
    }

    /** {@return every configured or loaded module's placement and remote, and the policy in force} */
    Map<String, Object> actionsView() {
        Map<String, Object> view = new LinkedHashMap<>();
        ActionManager manager;
        try {
            manager = actions.get();
        } catch (RuntimeException none) {
            view.put("available", false);
            return view;
        }
        view.put("available", true);
        Map<String, Object> modules = new LinkedHashMap<>();
        TreeSet<String> names = new TreeSet<>(manager.configured());
        names.addAll(manager.status().keySet());
        for (String name : names) {
            ActionStatus status = manager.status(name);
            Map<String, Object> module = new LinkedHashMap<>();
            boolean remote = status.remoteStatus() != null;
            module.put("placement", status.localLoaded() && remote ? "both" : status.localLoaded() ? "local"
                    : remote ? "remote" : null);
            module.put("routed_to", status.mode() == null ? null : status.mode().name().toLowerCase(java.util.Locale.ROOT));
            module.put("remote_url", status.remoteUrl());
            module.put("remote_status", status.remoteStatus());
            module.put("detail", status.detail() == null ? null : Secrets.maskText(status.detail()));
            modules.put(name, module);
        }
        view.put("modules", modules);
        view.put("policy", manager.policy());
        return view;
    }

    // ---- health ----

    private void sweep() {
        while (running) {
            for (String name : operator.serviceNames()) {
                if (!running) {
                    return;
                }
                CommonService<?> service = operator.current(name).orElse(null);
                if (service == null || !service.isRunning()) {
                    continue;
                }
                long t0 = System.nanoTime();
                boolean healthy;
                try {
                    healthy = service.healthy();
                } catch (RuntimeException e) {
                    healthy = false;
                }
                Map<String, Object> check = new LinkedHashMap<>();
                check.put("healthy", healthy);
                check.put("check_ms", (System.nanoTime() - t0) / 1e6);
                check.put("ts", System.currentTimeMillis());
                state.health(name, check);
            }
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(HEALTH_SECONDS));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // ---- snapshots ----

    /**
     * Builds a snapshot frame: every service's row, the timelines, the action modules, the last benchmark seconds
     * and placement changes.
     *
     * @param seq the last event it includes (its id)
     * @return the frame
     */
    public byte[] snapshot(long seq) {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("id", hub.idOf(seq));
        snapshot.put("ts", System.currentTimeMillis());
        snapshot.put("services", services());
        snapshot.putAll(state.copies());
        Map<String, Object> view = state.actions();
        snapshot.put("actions", view.isEmpty() ? actionsView() : view);
        snapshot.put("lost_events", lost.get());
        return SseFrame.event(hub.idOf(seq), "snapshot", Json.write(snapshot));
    }

    /** {@return one row per registered service} */
    List<Map<String, Object>> services() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String name : operator.serviceNames()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", name);
            CommonService<?> service = operator.current(name).orElse(null);
            if (service == null) {
                row.put("state", "NOT_BUILT");
            } else {
                ServiceInfo info = service.info();
                row.put("state", info.state().name());
                row.put("enabled", info.enabled());
                row.put("automated", info.automated());
                row.put("error", info.error());
            }
            row.put("since", state.since(name));
            row.put("backoff", state.backoff(name));
            row.put("health", state.health(name));
            row.put("config_key", operator.configKeyOf(name).orElse(null));
            rows.add(row);
        }
        return rows;
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        operator.components().removeListener(transitions);
        subscriptions.forEach(MetricsEvents.Subscription::close);
        subscriptions.clear();
        DaemonThreads.interruptAndJoin(pump, Duration.ofSeconds(5));
        DaemonThreads.interruptAndJoin(healthSweep, Duration.ofSeconds(5));
        inbox.clear();
    }
}
