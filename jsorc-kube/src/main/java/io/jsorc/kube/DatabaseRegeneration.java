package io.jsorc.kube;

import io.jsorc.CommonService;
import io.jsorc.manifest.Manifest;
import io.jsorc.ComponentContext;
import io.jsorc.OrchestratorExtension;
import io.jsorc.base.Backoff;
import io.jsorc.base.DaemonThreads;
import io.jsorc.base.Json;
import io.jsorc.cluster.Leadership;
import io.jsorc.manifest.ApplyReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Database regeneration ({@code DB_REGEN_CONFIG}: {@code enabled} (false), {@code host}, {@code port},
 * {@code timeout_ms} (connect timeout of a probe, 2000), {@code deadline_ms} (300000), {@code poll_ms} (first wait
 * between probes, 500, doubling to 10 s)).
 *
 * <p>At the orchestrator's start, before any service, the database is probed (a TCP connect). When it does not
 * answer and the kube service runs, {@code DB_REGEN_MANIFEST} is applied and the database is polled with backoff on
 * a daemon ({@code jsorc-dbregen}) until it answers or the deadline passes; then the host's
 * {@link DatabaseRecoveredHandler} is told ({@link #handler}). Nothing here ends the process. With leader election
 * only the leader applies the manifest; the other replicas only poll.
 */
public final class DatabaseRegeneration implements OrchestratorExtension {

    /** Config key. */
    public static final String CONFIG_KEY = "DB_REGEN_CONFIG";
    /** Manifest key. */
    public static final String MANIFEST_KEY = "DB_REGEN_MANIFEST";

    private static final Logger log = LoggerFactory.getLogger(DatabaseRegeneration.class);
    /** The longest wait between probes (unless {@code poll_ms} is longer). */
    private static final Duration MAX_POLL = Duration.ofSeconds(10);

    /** Found by ServiceLoader. */
    public DatabaseRegeneration() {
    }

    /**
     * Registers the host's handler (before {@code start()}).
     *
     * @param orchestrator the orchestrator
     * @param handler      told how regeneration ended
     */
    public static void handler(ComponentContext orchestrator, DatabaseRecoveredHandler handler) {
        state(orchestrator).handler.set(handler);
    }

    private static State state(ComponentContext orchestrator) {
        return orchestrator.shared(DatabaseRegeneration.class, State::new);
    }

    /** Per orchestrator. */
    private static final class State {
        final AtomicReference<DatabaseRecoveredHandler> handler = new AtomicReference<>();
        volatile Thread worker;
    }

    @Override
    public void beforeStart(ComponentContext orchestrator) {
        Map<String, Object> config = orchestrator.config(CONFIG_KEY).orElse(Map.of());
        if (!Boolean.TRUE.equals(config.get("enabled"))) {
            return;
        }
        String host = String.valueOf(config.getOrDefault("host", "localhost"));
        int port = intValue(config.get("port"), "port", 0);
        int timeout = intValue(config.get("timeout_ms"), "timeout_ms", 2000);
        long deadline = intValue(config.get("deadline_ms"), "deadline_ms", 300_000);
        long poll = intValue(config.get("poll_ms"), "poll_ms", 500);
        if (port <= 0) {
            throw new IllegalArgumentException(CONFIG_KEY + ".port must be a positive port number, is "
                    + config.get("port"));
        }
        if (reachable(host, port, timeout)) {
            log.debug("Database {}:{} answers", host, port);
            return;
        }
        State state = state(orchestrator);
        long started = System.nanoTime();
        CommonService<?> kube = orchestrator.svc("kube");
        if (!(kube instanceof KubeService running) || !running.isRunning()) {
            finish(state, new DatabaseRegenerationEvent(host, port, false, elapsed(started),
                    1, null, "the database does not answer and the kube service is not running ("
                    + kube.state() + "): it cannot be regenerated"));
            return;
        }
        state.worker = DaemonThreads.start("jsorc-dbregen", () -> regenerate(orchestrator, running, state, host, port,
                timeout, deadline, poll, started));
    }

    private void regenerate(ComponentContext orchestrator, KubeService kube, State state, String host, int port,
                            int timeout, long deadlineMillis, long pollMillis, long started) {
        ApplyReport applied = null;
        int probes = 1;
        try {
            Manifest manifest = orchestrator.config(MANIFEST_KEY).map(Manifest::fromMap).orElse(Manifest.empty());
            if (manifest.isEmpty()) {
                finish(state, new DatabaseRegenerationEvent(host, port, false, elapsed(started), probes, null,
                        MANIFEST_KEY + " is empty: nothing to apply"));
                return;
            }
            Leadership leadership = Leadership.of(orchestrator);
            if (leadership.confirm()) {
                applied = new ResourceSync(kube.app(), io.jsorc.config.ConfigStore.hookOf(orchestrator), System::getenv,
                        leadership::confirm).app(ResourceSync.appOf(orchestrator))
                        .apply(MANIFEST_KEY, null, manifest, kube.namespace());
                log.info("Database {}:{} does not answer; applied {}", host, port, applied);
            } else {
                // Another replica leads and regenerates the database; this one only waits for it to answer.
                log.info("Database {}:{} does not answer; the leader applies {} ({}), this replica waits",
                        host, port, MANIFEST_KEY, leadership.describe());
            }
            long deadline = started + deadlineMillis * 1_000_000;
            // Exact waits (no jitter): poll_ms, doubling per failed probe, at most 10 s.
            Duration poll = Duration.ofMillis(Math.max(1, pollMillis));
            Backoff backoff = Backoff.exponential(poll, poll.compareTo(MAX_POLL) > 0 ? poll : MAX_POLL)
                    .withJitter(0);
            while (System.nanoTime() < deadline) {
                long wait = backoff.failed(System.nanoTime()); // the probe before this wait failed
                Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(wait, deadline - System.nanoTime()))));
                probes++;
                if (reachable(host, port, timeout)) {
                    finish(state, new DatabaseRegenerationEvent(host, port, true, elapsed(started), probes, applied,
                            "the database answers again"));
                    return;
                }
            }
            finish(state, new DatabaseRegenerationEvent(host, port, false, elapsed(started), probes, applied,
                    "the database did not answer within " + deadlineMillis + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            finish(state, new DatabaseRegenerationEvent(host, port, false, elapsed(started), probes, applied,
                    "regeneration failed: " + e));
        }
    }

    private static void finish(State state, DatabaseRegenerationEvent event) {
        DatabaseRecoveredHandler handler = state.handler.get();
        if (event.recovered()) {
            log.info("Database {}:{} recovered after {} ms ({} probes)", event.host(), event.port(),
                    event.elapsed().toMillis(), event.probes());
        } else {
            log.error("Database {}:{} not regenerated: {}", event.host(), event.port(), event.detail());
        }
        if (handler == null) {
            return;
        }
        try {
            if (event.recovered()) {
                handler.recovered(event);
            } else {
                handler.gaveUp(event);
            }
        } catch (RuntimeException e) {
            log.warn("DatabaseRecoveredHandler threw", e);
        }
    }

    @Override
    public void close(ComponentContext orchestrator) {
        DaemonThreads.interruptAndJoin(state(orchestrator).worker, Duration.ofSeconds(5));
    }

    static boolean reachable(String host, int port, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Duration elapsed(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static int intValue(Object value, String field, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(String.valueOf(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(CONFIG_KEY + "." + field + " must be a number, is " + Json.write(value));
        }
    }
}
