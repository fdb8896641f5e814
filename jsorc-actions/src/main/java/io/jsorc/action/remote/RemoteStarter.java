package io.jsorc.action.remote;

import io.jsorc.ComponentContext;
import io.jsorc.action.ActionConfig;
import io.jsorc.base.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
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
    /** A parked server, and the config it was launched with: it serves a reload under that config only. */
    private record Parked(RemoteActionLauncher.Remote server, RemoteActionLauncher launcher, ActionConfig config) { }

    private final RemoteActionLauncher fixedLauncher;
    private final Map<String, Parked> parked = new ConcurrentHashMap<>();
    /** The start and recovery daemons under way, for {@link #awaitIdle}. */
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
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
     * Builds the remote placement of a module, on its parked server when there is one launched with the same config.
     * A parked server launched with another config (another jar, allow-list, environment or body cap) is retired: its
     * code and settings are not the ones the load asked for.
     *
     * @param name   the module name
     * @param config the module's config now
     * @return a {@code STARTING} placement; {@link #start} it
     */
    public RemotePlacement prepare(String name, ActionConfig config) {
        Parked warm = parked.remove(name);
        if (warm != null && !java.util.Objects.equals(warm.config(), config)) {
            warm.launcher().retire(warm.server());
            warm = null;
        }
        RemotePlacement remote = new RemotePlacement(name, warm != null ? warm.launcher() : chooseLauncher(), 0, null);
        remote.server = warm == null ? null : warm.server();
        remote.launchedWith = warm == null ? null : warm.config();
        return remote;
    }

    /**
     * Builds the placement that replaces a failed one, on a new server of the same launcher.
     *
     * @param failed the placement that stopped answering
     * @param budget the module's restart budget, for the status detail ({@code 3 restarts in 300000 ms})
     * @return a {@code STARTING} placement (start it with {@link #recover}), or {@code null} once closed
     */
    public RemotePlacement restartOf(RemotePlacement failed, String budget) {
        if (closed) {
            return null;
        }
        int restarts = failed.restarts() + 1;
        return new RemotePlacement(failed.module(), failed.launcher(), restarts,
                "restart " + restarts + " (budget " + budget + ") after: " + failed.detail());
    }

    /**
     * Starts a placement's server on a daemon of its own ({@code jsorc-action-<name>-start}), without waiting. A start
     * that fails leaves the placement FAILED and is not retried (a wrong config, most likely).
     *
     * @param remote  a placement from {@link #prepare}
     * @param config  the module's config
     * @param onReady called once the server answers (READY is for the caller to mark, under its lock)
     */
    public void start(RemotePlacement remote, ActionConfig config, Consumer<RemotePlacement> onReady) {
        spawn("jsorc-action-" + remote.module() + "-start", () -> {
            remote.starter = Thread.currentThread(); // set before run() looks at retired: no cancel is missed
            try {
                run(remote, config, onReady, null);
            } finally {
                remote.starter = null;
            }
        });
    }

    /**
     * Retires a failed placement's server once its calls in flight end, waits the backoff, then starts its
     * replacement, on a daemon of its own ({@code jsorc-action-<name>-recover}). The old server goes first: a
     * launcher may reuse its names (the kube one does).
     *
     * @param failed      the placement that stopped answering (no longer routed to)
     * @param replacement from {@link #restartOf}, or {@code null} when it is not replaced
     * @param backoff     how long to wait before starting the replacement
     * @param config      the module's config
     * @param onReady     called once the replacement answers
     * @param onFailed    called when the replacement does not start (it is FAILED by then)
     */
    public void recover(RemotePlacement failed, RemotePlacement replacement, Duration backoff, ActionConfig config,
                        Consumer<RemotePlacement> onReady, Consumer<RemotePlacement> onFailed) {
        spawn("jsorc-action-" + failed.module() + "-recover", () -> {
            failed.drain();
            retireQuietly(failed);
            if (replacement == null) {
                return;
            }
            replacement.starter = Thread.currentThread(); // an unload now cancels the launch as it does a start's
            try {
                if (!pause(replacement, backoff)) {
                    replacement.startFailed("not restarted: unloaded or closed during the restart backoff");
                    replacement.startEnded();
                    return;
                }
                run(replacement, config, onReady, onFailed);
            } finally {
                replacement.starter = null;
            }
        });
    }

    /** Waits the backoff; {@code false} when the placement was unloaded or the starter closed meanwhile. */
    private boolean pause(RemotePlacement remote, Duration backoff) {
        long deadline = System.nanoTime() + backoff.toNanos();
        try {
            while (!closed && !remote.retired) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                Thread.sleep(Math.max(1, Math.min(50, left / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
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
            // A launch under way may wait a minute for its server (a JVM starting on a busy machine): cancel it, so
            // unloads that race loads do not pile up servers nobody will use.
            Thread starting = remote.starter;
            if (starting != null) {
                starting.interrupt();
            }
            return;
        }
        if (retire || closed || !remote.ready()) {
            remote.retireServer();
        } else {
            remote.closeCalls(); // drained: its sockets would stay open until collected, a pile per move
            Parked previous = parked.put(remote.module(), new Parked(server, remote.launcher(), remote.launchedWith));
            if (previous != null) {
                previous.launcher().retire(previous.server());
            }
            if (closed) { // closed while parking: close() may have missed it
                Parked late = parked.remove(remote.module());
                if (late != null) {
                    late.launcher().retire(late.server());
                }
            }
        }
    }

    /** Stops parking, retires the parked servers, and makes starts under way retire what they launch. */
    public void close() {
        closed = true;
        for (Thread starting : List.copyOf(running)) {
            starting.interrupt(); // starts and recoveries under way stop waiting and retire what they launched
        }
        for (String name : List.copyOf(parked.keySet())) {
            Parked p = parked.remove(name);
            if (p != null) {
                p.launcher().retire(p.server());
            }
        }
    }

    /**
     * Waits for the starts and recoveries under way to end (after {@link #close()} they retire what they launch), so
     * that no server outlives the manager.
     *
     * @param timeout how long to wait in all
     * @return whether they all ended in time
     */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : List.copyOf(running)) {
            if (!DaemonThreads.join(thread, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                log.warn("Remote action starter thread {} still runs after {} ms", thread.getName(),
                        timeout.toMillis());
                return false;
            }
        }
        return true;
    }

    /** Runs a start or recovery on a daemon that {@link #awaitIdle} can wait for. */
    private void spawn(String name, Runnable body) {
        // Registered by the thread itself, before it can do anything; close() is seen by the body in any case.
        CountDownLatch registered = new CountDownLatch(1);
        DaemonThreads.start(name, () -> {
            running.add(Thread.currentThread());
            registered.countDown();
            try {
                body.run();
            } finally {
                running.remove(Thread.currentThread());
            }
        });
        try {
            registered.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(RemotePlacement remote, ActionConfig config, Consumer<RemotePlacement> onReady,
                     Consumer<RemotePlacement> onFailed) {
        boolean failed = false;
        try {
            if (closed || remote.retired) {
                // Unloaded or closed before it got going: launch nothing (a parked server taken over is retired).
                retireQuietly(remote);
                remote.startFailed("unloaded or closed before it started");
                return;
            }
            if (remote.server == null) {
                remote.server = remote.launcher().launch(remote.module(), config, owner);
                remote.launchedWith = config;
            }
            if (closed || remote.retired) {
                retireQuietly(remote); // unloaded or closed while it was being launched
                remote.startFailed("unloaded or closed while it started");
                return;
            }
            RemoteActionClient client = new RemoteActionClient(remote.server.url(), remote.server.token(),
                    Duration.ofMillis(millis(config, "connect_timeout_ms", 2_000)),
                    Duration.ofMillis(millis(config, "timeout_ms", 30_000)),
                    io.jsorc.action.ServerLimits.maxBodyBytes(config.remote() == null ? Map.of() : config.remote()));
            Map<String, Object> spec = awaitSpec(remote, client);
            if (spec == null) {
                retireQuietly(remote);
                remote.startFailed("unloaded or closed while it started");
                return;
            }
            remote.bind(client, spec);
            onReady.accept(remote);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (closed || remote.retired) {
                log.debug("Remote action module '{}' was unloaded while it started: {}", remote.module(), e.toString());
            } else {
                log.warn("Remote action module '{}' did not start: {}", remote.module(), e.toString());
            }
            remote.startFailed(e.toString());
            retireQuietly(remote); // a server that does not answer its spec is of no use
            failed = true;
        } finally {
            remote.startEnded();
        }
        if (failed && onFailed != null && !closed && !remote.retired) {
            onFailed.accept(remote);
        }
    }

    private static void retireQuietly(RemotePlacement remote) {
        try {
            remote.retireServer();
        } catch (RuntimeException e) {
            log.warn("Retiring the server of remote action module '{}' failed: {}", remote.module(), e.toString());
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
