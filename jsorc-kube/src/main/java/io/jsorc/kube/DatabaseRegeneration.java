package io.jsorc.kube;

import io.jsorc.CommonService;
import io.jsorc.manifest.Manifest;
import io.jsorc.ComponentContext;
import io.jsorc.OrchestratorExtension;
import io.jsorc.base.Backoff;
import io.jsorc.base.DaemonThreads;
import io.jsorc.base.Json;
import io.jsorc.base.Secrets;
import io.jsorc.cluster.Leadership;
import io.jsorc.lifecycle.FailureLog;
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
 * between probes, 500, doubling to 10 s), {@code watch_ms} (how often the database is probed after the start,
 * 30000; 0: only at the start)).
 *
 * <p>At the orchestrator's start, before any service, the database is probed (a TCP connect); then, on a daemon
 * ({@code jsorc-dbregen}), every {@code watch_ms}. When it does not answer and the kube service runs,
 * {@code DB_REGEN_MANIFEST} is applied and the database is polled with backoff until it answers or the deadline
 * passes; then the host's {@link DatabaseRecoveredHandler} is told ({@link #handler}). Nothing here ends the process.
 *
 * <p>With leader election only the leader applies the manifest; a follower polls, and applies it only if it comes to
 * lead while the database is down. Since every replica keeps watching, a replica that starts while the database is
 * down is not left waiting for a leader that started earlier: the leader sees the outage within {@code watch_ms}.
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
        /** Whether the outage going on was already reported as not regenerated (repeats are logged at DEBUG). */
        volatile boolean reported;
        /** Whether a regeneration gave up on the outage going on, and when that outage began (nanoTime). */
        volatile boolean gaveUp;
        volatile long gaveUpSince;
    }

    /** {@code DB_REGEN_CONFIG}, checked once at the start. */
    private record Settings(String host, int port, int timeout, long deadline, long poll, long watch) {

        static Settings of(Map<String, Object> config) {
            Settings settings = new Settings(String.valueOf(config.getOrDefault("host", "localhost")),
                    intValue(config.get("port"), "port", 0), intValue(config.get("timeout_ms"), "timeout_ms", 2000),
                    intValue(config.get("deadline_ms"), "deadline_ms", 300_000),
                    intValue(config.get("poll_ms"), "poll_ms", 500), intValue(config.get("watch_ms"), "watch_ms", 30_000));
            if (settings.port <= 0) {
                throw new IllegalArgumentException(CONFIG_KEY + ".port must be a positive port number, is "
                        + config.get("port"));
            }
            if (settings.watch < 0) {
                throw new IllegalArgumentException(CONFIG_KEY + ".watch_ms must be 0 (probe only at the start) or a "
                        + "positive number of milliseconds, is " + settings.watch);
            }
            return settings;
        }

        boolean answers() {
            return reachable(host, port, timeout);
        }
    }

    @Override
    public void beforeStart(ComponentContext orchestrator) {
        Map<String, Object> config = orchestrator.config(CONFIG_KEY).orElse(Map.of());
        if (!Boolean.TRUE.equals(config.get("enabled"))) {
            return;
        }
        Settings settings = Settings.of(config);
        State state = state(orchestrator);
        boolean answers = settings.answers();
        if (answers) {
            log.debug("Database {}:{} answers", settings.host(), settings.port());
        } else if (kube(orchestrator) == null) {
            // Told at once, inside start(): the host learns before its services start that nothing will come.
            notRegenerable(orchestrator, state, settings, System.nanoTime());
            answers = true; // nothing more to do for this outage; the watch probes again
        }
        if (!answers || settings.watch() > 0) {
            boolean regenerateFirst = !answers;
            state.worker = DaemonThreads.start("jsorc-dbregen", () -> run(orchestrator, state, settings,
                    regenerateFirst));
        }
    }

    /**
     * The daemon: regenerates when asked to first, then probes every {@code watch_ms} until interrupted. An outage
     * is two failed probes {@code poll_ms} apart (one lost connect is not worth an apply); a database that answers
     * again after a regeneration gave up is reported as recovered, so a host that went degraded learns it.
     */
    private void run(ComponentContext orchestrator, State state, Settings settings, boolean regenerateFirst) {
        try {
            if (regenerateFirst) {
                regenerate(orchestrator, state, settings, System.nanoTime());
            }
            while (settings.watch() > 0 && !orchestrator.isClosed()) {
                Thread.sleep(settings.watch());
                try {
                    watchOnce(orchestrator, state, settings);
                } catch (RuntimeException e) {
                    log.warn("Watching database {}:{} failed: {} (tried again in {} ms)", settings.host(),
                            settings.port(), Secrets.maskText(String.valueOf(e)), settings.watch());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void watchOnce(ComponentContext orchestrator, State state, Settings settings) throws InterruptedException {
        long probed = System.nanoTime();
        if (settings.answers()) {
            if (state.gaveUp) {
                finish(state, new DatabaseRegenerationEvent(settings.host(), settings.port(), true,
                        elapsed(state.gaveUpSince), 1,
                        null, "the database answers again, after its regeneration had given up"));
            }
            return;
        }
        Thread.sleep(Math.max(1, settings.poll()));
        if (settings.answers() || orchestrator.isClosed()) {
            return;
        }
        if (kube(orchestrator) == null) {
            notRegenerable(orchestrator, state, settings, probed);
        } else {
            regenerate(orchestrator, state, settings, probed);
        }
    }

    private static void notRegenerable(ComponentContext orchestrator, State state, Settings settings, long started) {
        CommonService<?> kube = orchestrator.svc("kube");
        finish(state, new DatabaseRegenerationEvent(settings.host(), settings.port(), false, elapsed(started), 1, null,
                "the database does not answer and the kube service is not running (" + kube.state()
                        + "): it cannot be regenerated"));
    }

    /**
     * One outage: applies the manifest (on the leader; a follower applies it once it comes to lead) and polls until
     * the database answers or the deadline passes.
     */
    private void regenerate(ComponentContext orchestrator, State state, Settings settings, long started)
            throws InterruptedException {
        String host = settings.host();
        int port = settings.port();
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
            // One outage's failed applies: the first and each new error at WARN, repeats at DEBUG (retried per probe).
            FailureLog applyFailures = new FailureLog();
            applied = applyIfLeading(orchestrator, settings, manifest, leadership, applyFailures);
            if (applied == null) {
                // Another replica leads and regenerates the database; this one waits for it to answer.
                log.info("Database {}:{} does not answer; the leader applies {} ({}), this replica waits",
                        host, port, MANIFEST_KEY, leadership.describe());
            }
            long deadline = started + settings.deadline() * 1_000_000;
            // Exact waits (no jitter): poll_ms, doubling per failed probe, at most 10 s.
            Duration poll = Duration.ofMillis(Math.max(1, settings.poll()));
            Backoff backoff = Backoff.exponential(poll, poll.compareTo(MAX_POLL) > 0 ? poll : MAX_POLL)
                    .withJitter(0);
            while (System.nanoTime() < deadline && !orchestrator.isClosed()) {
                long wait = backoff.failed(System.nanoTime()); // the probe before this wait failed
                Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(wait, deadline - System.nanoTime()))));
                probes++;
                if (settings.answers()) {
                    finish(state, new DatabaseRegenerationEvent(host, port, true, elapsed(started), probes, applied,
                            "the database answers again"));
                    return;
                }
                if (applied == null || !applied.ok()) {
                    // The leader left, or the apply failed (an API server error, a write refused): again, on the
                    // probes' backoff, until the deadline.
                    ApplyReport again = applyIfLeading(orchestrator, settings, manifest, leadership, applyFailures);
                    if (again != null) {
                        applied = again; // else no longer leading: the failed report stays the event's
                    }
                }
            }
            finish(state, new DatabaseRegenerationEvent(host, port, false, elapsed(started), probes, applied,
                    "the database did not answer within " + settings.deadline() + " ms"));
        } catch (RuntimeException e) {
            finish(state, new DatabaseRegenerationEvent(host, port, false, elapsed(started), probes, applied,
                    "regeneration failed: " + e));
        }
    }

    /** Applies the manifest when this replica leads; {@code null} when another one does. */
    private static ApplyReport applyIfLeading(ComponentContext orchestrator, Settings settings, Manifest manifest,
                                              Leadership leadership, FailureLog failures) {
        KubeService kube = kube(orchestrator);
        if (kube == null || !leadership.confirm()) {
            return null;
        }
        ApplyReport applied = new ResourceSync(kube.resources(), io.jsorc.config.ConfigStore.hookOf(orchestrator),
                System::getenv, leadership::confirm).app(ResourceSync.appOf(orchestrator))
                .apply(MANIFEST_KEY, null, manifest, kube.namespace());
        String step = "Database " + settings.host() + ":" + settings.port() + " does not answer; applying "
                + MANIFEST_KEY + " (retried until the deadline)";
        if (applied.ok()) {
            failures.recovered(step);
            log.info("Database {}:{} does not answer; applied {}", settings.host(), settings.port(), applied);
        } else {
            failures.log(log, step, String.valueOf(applied.failed()));
        }
        return applied;
    }

    private static KubeService kube(ComponentContext orchestrator) {
        return KubeService.runningIn(orchestrator);
    }

    private static void finish(State state, DatabaseRegenerationEvent event) {
        DatabaseRecoveredHandler handler = state.handler.get();
        if (event.recovered()) {
            state.reported = false;
            state.gaveUp = false;
        } else if (!state.gaveUp) {
            state.gaveUpSince = System.nanoTime() - event.elapsed().toNanos();
            state.gaveUp = true;
        }
        if (event.recovered()) {
            log.info("Database {}:{} recovered after {} ms ({} probes)", event.host(), event.port(),
                    event.elapsed().toMillis(), event.probes());
        } else if (!state.reported) {
            state.reported = true;
            log.error("Database {}:{} not regenerated: {}", event.host(), event.port(), event.detail());
        } else {
            log.debug("Database {}:{} still not regenerated: {}", event.host(), event.port(), event.detail());
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
