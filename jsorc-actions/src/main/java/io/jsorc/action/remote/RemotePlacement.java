package io.jsorc.action.remote;

import io.jsorc.action.ActionMethod;
import io.jsorc.action.ActionMode;
import io.jsorc.action.Arguments;
import io.jsorc.action.Placement;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Takes the calls of a module whose server runs remotely: {@code STARTING} until the {@link RemoteStarter} binds it
 * to the server's spec, {@code READY} while it takes calls, {@code FAILED} when it did not start or stopped answering.
 *
 * <p>Internal to the action manager; public only so that {@code io.jsorc.action} can use it.
 */
public final class RemotePlacement extends Placement {
    /** The server is being launched, or does not answer yet. */
    public static final String STARTING = "STARTING";
    /** The server answers and the placement takes calls. */
    public static final String READY = "READY";
    /** It did not start, or stopped answering. */
    public static final String FAILED = "FAILED";

    private final String name;
    private final RemoteActionLauncher launcher;
    private final CountDownLatch started = new CountDownLatch(1);
    private final int restarts;
    volatile RemoteActionLauncher.Remote server;
    /** The config its server was launched with (a parked server serves only a reload under the same one). */
    volatile io.jsorc.action.ActionConfig launchedWith;
    volatile boolean retired;
    /** The thread launching its server, while it does: an unload interrupts it. */
    volatile Thread starter;
    private volatile String status = STARTING;
    private volatile String detail;
    private volatile RemoteActionClient client;
    private volatile Map<String, ActionMethod> actions = Map.of();
    private final AtomicBoolean failureClaimed = new AtomicBoolean();
    private final AtomicBoolean serverRetired = new AtomicBoolean();
    private final AtomicBoolean probing = new AtomicBoolean();

    RemotePlacement(String name, RemoteActionLauncher launcher, int restarts, String detail) {
        this.name = name;
        this.launcher = launcher;
        this.restarts = restarts;
        this.detail = detail;
    }

    @SuppressWarnings("unchecked")
    void bind(RemoteActionClient remoteClient, Map<String, Object> spec) {
        Map<String, ActionMethod> bound = new TreeMap<>();
        Object described = spec.get("actions");
        if (described instanceof Map<?, ?> map) {
            map.forEach((action, entry) -> {
                List<String> signature = entry instanceof Map<?, ?> e && e.get("signature") instanceof List<?> s
                        ? (List<String>) s : List.of();
                bound.put(String.valueOf(action), ActionMethod.ofSignature(String.valueOf(action), signature));
            });
        }
        this.actions = bound;
        this.client = remoteClient;
    }

    void startFailed(String why) {
        status = FAILED;
        detail = why;
    }

    void startEnded() {
        started.countDown();
    }

    RemoteActionLauncher launcher() {
        return launcher;
    }

    /** Retires its server, once: a failed placement's server is retired by its recovery and again by an unload. */
    void retireServer() {
        RemoteActionLauncher.Remote remote = server;
        if (remote != null && serverRetired.compareAndSet(false, true)) {
            launcher.retire(remote);
            RemoteActionClient calls = client;
            if (calls != null) {
                calls.close(); // its idle keep-alive sockets to the retired server
            }
        }
    }

    /** Closes its client's kept-alive sockets: the placement is parked, and a reload makes a client of its own. */
    void closeCalls() {
        RemoteActionClient calls = client;
        if (calls != null) {
            calls.close();
        }
    }

    /**
     * Claims the handling of its failure: several calls in flight may see the same server go away, one of them
     * handles it (mark it FAILED, restart or fail over).
     *
     * @return {@code true} for the first caller only
     */
    public boolean claimFailure() {
        return failureClaimed.compareAndSet(false, true);
    }

    /**
     * Asks the server's {@code GET /healthz}, to tell a slow action (a call timed out, the server answers) from a
     * server that hangs. One probe at a time: while one runs, others answer {@code true} without asking.
     *
     * @param timeout how long the probe may take
     * @return whether the server answered 200 (or another probe is under way)
     */
    public boolean answersHealth(Duration timeout) {
        String base = url();
        if (base == null || !probing.compareAndSet(false, true)) {
            return true;
        }
        try {
            return HealthProbe.answers(base, timeout);
        } finally {
            probing.set(false);
        }
    }

    int restarts() {
        return restarts;
    }

    /**
     * Tells what it is now.
     *
     * @return {@link #STARTING}, {@link #READY} or {@link #FAILED}
     */
    public String status() {
        return status;
    }

    /**
     * Tells whether it takes calls.
     *
     * @return whether it is {@link #READY}
     */
    public boolean ready() {
        return READY.equals(status);
    }

    /** Marks it {@link #READY}; the module table does so, under the module's lock, when the starter reports it. */
    public void markReady() {
        status = READY;
    }

    /**
     * Marks it {@link #FAILED} while it was taking calls.
     *
     * @param why the failure
     */
    public void markFailed(String why) {
        status = FAILED;
        detail = why;
    }

    /**
     * Gives the last failure.
     *
     * @return its description, or {@code null}
     */
    public String detail() {
        return detail;
    }

    /**
     * Gives the server's base URL.
     *
     * @return the URL, or {@code null} while it is being launched
     */
    public String url() {
        RemoteActionLauncher.Remote remote = server;
        return remote == null ? null : remote.url();
    }

    /**
     * Waits until its start ended, READY or FAILED.
     *
     * @param timeout how long to wait
     * @return whether it ended in time
     * @throws InterruptedException when interrupted
     */
    public boolean awaitStarted(Duration timeout) throws InterruptedException {
        return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public ActionMode mode() {
        return ActionMode.REMOTE;
    }

    @Override
    public Set<String> actionNames() {
        return actions.keySet();
    }

    @Override
    public ActionMethod method(String action) {
        return actions.get(action);
    }

    @Override
    public String module() {
        return name;
    }

    @Override
    public Object call(String action, Arguments arguments, Supplier<List<String>> loaded) {
        ActionMethod method = require(action, loaded);
        try {
            return client.call(action, method.toWire(arguments));
        } catch (RemoteCallTimeoutException e) {
            // The client names the action and its URL; the caller wants the module too.
            throw new RemoteCallTimeoutException("Action '" + name + "." + action + "' of remote action module '"
                    + name + "' timed out: " + e.getMessage(), e.getCause());
        }
    }
}
