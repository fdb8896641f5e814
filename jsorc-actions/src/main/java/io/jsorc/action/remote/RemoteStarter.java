package io.jsorc.action.remote;

import io.jsorc.ComponentContext;
import io.jsorc.action.ActionConfig;
import io.jsorc.base.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Starts, restarts, parks and retires the remote servers of action modules. A server is launched through the
 * {@link RemoteActionLauncher} in use (a fixed one, else the first available one found with {@link ServiceLoader},
 * else {@link ProcessActionLauncher}), and its placement turns READY once the server answers its spec endpoint. A
 * server unloaded without retiring is parked: kept running for a fast reload until {@link #close()}. A server that
 * stopped answering is retired after its calls in flight end, and replaced by a {@link #restartOf restarted} one.
 *
 * <p>Internal to the action manager; public only so that {@code io.jsorc.action} can use it.
 */
public final class RemoteStarter {

    /** How long a remote server may take to answer its spec endpoint. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(RemoteStarter.class);

    /** A remote server unloaded without retiring. */
    private record Parked(RemoteActionLauncher.Remote server, RemoteActionLauncher launcher) { }

    private final RemoteActionLauncher fixedLauncher;
    private final Map<String, Parked> parked = new ConcurrentHashMap<>();
    private volatile ComponentContext owner;
    private volatile boolean closed;

    /**
     * Builds a starter.
     *
     * @param launcher how remote servers are started ({@code null}: choose per load)
     */
    public RemoteStarter(RemoteActionLauncher launcher) {
        this.fixedLauncher = launcher;
    }

    /**
     * Sets the component context launchers are given.
     *
     * @param context the action manager's context
     */
    public void attach(ComponentContext context) {
        this.owner = context;
    }

    private RemoteActionLauncher chooseLauncher() {
        if (fixedLauncher != null) {
            return fixedLauncher;
        }
        for (RemoteActionLauncher candidate : ServiceLoader.load(RemoteActionLauncher.class,
                RemoteStarter.class.getClassLoader())) {
            if (!(candidate instanceof ProcessActionLauncher) && candidate.available(owner)) {
                return candidate;
            }
        }
        return new ProcessActionLauncher();
    }

    /**
     * Builds the remote placement of a module, on its parked server when there is one.
     *
     * @param name the module name
     * @return a {@code STARTING} placement; {@link #start} it
     */
    public RemotePlacement prepare(String name) {
        Parked warm = parked.remove(name);
        RemotePlacement remote = new RemotePlacement(name, warm != null ? warm.launcher() : chooseLauncher(), 0, null);
        remote.server = warm == null ? null : warm.server();
        return remote;
    }

    /**
     * Builds the placement that replaces a failed one, on a new server of the same launcher.
     *
     * @param failed the placement that stopped answering
     * @return a {@code STARTING} placement (start it with {@link #recover}), or {@code null} once closed
     */
    public RemotePlacement restartOf(RemotePlacement failed) {
        if (closed) {
            return null;
        }
        int restarts = failed.restarts() + 1;
        return new RemotePlacement(failed.module(), failed.launcher(), restarts,
                "restart " + restarts + " after: " + failed.detail());
    }

    /**
     * Starts a placement's server on a daemon of its own ({@code jsorc-action-<name>-start}), without waiting.
     *
     * @param remote  a placement from {@link #prepare}
     * @param config  the module's config
     * @param onReady called once the server answers (READY is for the caller to mark, under its lock)
     */
    public void start(RemotePlacement remote, ActionConfig config, Consumer<RemotePlacement> onReady) {
        DaemonThreads.start("jsorc-action-" + remote.module() + "-start", () -> run(remote, config, onReady));
    }

    /**
     * Retires a failed placement's server once its calls in flight end, then starts its replacement, on a daemon of
     * its own ({@code jsorc-action-<name>-recover}).
     *
     * @param failed      the placement that stopped answering (no longer routed to)
     * @param replacement from {@link #restartOf}, or {@code null} when it is not replaced
     * @param config      the module's config
     * @param onReady     called once the replacement answers
     */
    public void recover(RemotePlacement failed, RemotePlacement replacement, ActionConfig config,
                        Consumer<RemotePlacement> onReady) {
        DaemonThreads.start("jsorc-action-" + failed.module() + "-recover", () -> {
            failed.drain();
            if (failed.server != null) {
                failed.launcher().retire(failed.server);
            }
            if (replacement != null) {
                run(replacement, config, onReady);
            }
        });
    }

    /**
     * Releases an unloaded placement (already drained): its server is retired, or parked when not {@code retire}
     * (and not closed). A start still under way retires the server it launches.
     *
     * @param remote the unloaded placement
     * @param retire whether to stop its server
     */
    public void release(RemotePlacement remote, boolean retire) {
        remote.retired = true;
        RemoteActionLauncher.Remote server = remote.server;
        if (server == null) {
            return;
        }
        if (retire || closed) {
            remote.launcher().retire(server);
        } else {
            Parked previous = parked.put(remote.module(), new Parked(server, remote.launcher()));
            if (previous != null) {
                previous.launcher().retire(previous.server());
            }
        }
    }

    /** Stops parking, retires the parked servers, and makes starts under way retire what they launch. */
    public void close() {
        closed = true;
        parked.values().forEach(p -> p.launcher().retire(p.server()));
        parked.clear();
    }

    private void run(RemotePlacement remote, ActionConfig config, Consumer<RemotePlacement> onReady) {
        try {
            if (remote.server == null) {
                remote.server = remote.launcher().launch(remote.module(), config, owner);
            }
            if (closed || remote.retired) {
                remote.launcher().retire(remote.server); // unloaded or closed while it was being launched
                return;
            }
            RemoteActionClient client = new RemoteActionClient(remote.server.url(), remote.server.token(),
                    Duration.ofMillis(millis(config, "connect_timeout_ms", 2_000)),
                    Duration.ofMillis(millis(config, "timeout_ms", 30_000)));
            Map<String, Object> spec = awaitSpec(remote, client);
            if (spec == null) {
                remote.launcher().retire(remote.server);
                return;
            }
            remote.bind(client, spec);
            onReady.accept(remote);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("Remote action module '{}' did not start: {}", remote.module(), e.toString());
            remote.startFailed(e.toString());
        } finally {
            remote.startEnded();
        }
    }

    /** Polls the spec endpoint until it answers; {@code null} when unloaded or closed meanwhile. */
    private Map<String, Object> awaitSpec(RemotePlacement remote, RemoteActionClient client)
            throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!closed && !remote.retired) {
            try {
                return client.spec();
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !remote.server.alive()) {
                    String tail = remote.server.lastLog();
                    throw new IllegalStateException("the remote server " + (remote.server.alive()
                            ? "did not answer within " + START_TIMEOUT.toSeconds() + " s" : "exited") + ": " + e
                            + (tail.isBlank() ? "" : "; its log ends with:\n" + tail));
                }
                Thread.sleep(50);
            }
        }
        return null;
    }

    private static long millis(ActionConfig config, String key, long fallback) {
        Object value = config.remote().get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number n && n.longValue() > 0) {
            return n.longValue();
        }
        throw new IllegalArgumentException("remote." + key + " must be a positive number of milliseconds, is " + value);
    }
}
