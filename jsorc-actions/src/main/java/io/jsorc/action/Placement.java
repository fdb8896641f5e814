package io.jsorc.action;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Takes the calls of one module in one place (this JVM or a remote server), and counts the calls in flight so that
 * unloading can drain it: once {@link #drain()} starts, no new call enters.
 *
 * <p>Internal to the action manager; public only so that {@code io.jsorc.action.remote} can extend it.
 */
public abstract class Placement {
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    /** Builds a placement that takes calls. */
    protected Placement() {
    }

    /**
     * Enters a call.
     *
     * @return whether the call may run here ({@code false} once draining: take the module's new placement)
     */
    public final boolean enter() {
        inFlight.incrementAndGet();
        if (draining) {
            exit();
            return false;
        }
        return true;
    }

    /** Leaves a call that {@link #enter()} let in. */
    public final void exit() {
        if (inFlight.decrementAndGet() == 0 && draining) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Takes no new calls, then waits (at most {@link #DEFAULT_DRAIN_TIMEOUT}) for the calls in flight. */
    public final void drain() {
        drain(DEFAULT_DRAIN_TIMEOUT);
    }

    /** How long unloading waits for calls in flight by default. */
    public static final java.time.Duration DEFAULT_DRAIN_TIMEOUT = java.time.Duration.ofSeconds(30);

    /**
     * Takes no new calls, then waits for the calls in flight, at most {@code timeout}: a stuck action must not hang an
     * unload or the manager's close.
     *
     * @param timeout how long to wait
     * @return how many calls were still running when it stopped waiting (0: drained)
     */
    public final int drain(java.time.Duration timeout) {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return inFlight.get();
                }
                try {
                    wait(Math.max(1, Math.min(100, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return inFlight.get();
                }
            }
        }
        return 0;
    }

    /**
     * Tells where the calls run.
     *
     * @return {@code LOCAL} or {@code REMOTE}
     */
    public abstract ActionMode mode();

    /**
     * Lists the actions that can be called here.
     *
     * @return their names, aliases included
     */
    public abstract Set<String> actionNames();

    /**
     * Looks an action up.
     *
     * @param action an action name (without the module prefix)
     * @return the action of that name here, or {@code null}
     */
    public abstract ActionMethod method(String action);

    /**
     * Names the module, for messages.
     *
     * @return the module name
     */
    public abstract String module();

    /**
     * Calls an action.
     *
     * @param action    an action name (without the module prefix)
     * @param arguments its arguments
     * @param loaded    the loaded actions, named in the error when the action is unknown
     * @return the action's result, JSON-shaped
     * @throws ActionException when the action is unknown or failed
     */
    public abstract Object call(String action, Arguments arguments, Supplier<List<String>> loaded);

    /**
     * Calls an action with positional arguments only (the {@code call(action, args...)} path). The default wraps them
     * in {@link Arguments}; an in-process placement overrides it to call without copying.
     *
     * @param action    the action name (without the module prefix)
     * @param arguments positional arguments; never modified
     * @param loaded    the loaded actions, for the error when the action is unknown
     * @return the action's result
     */
    public Object callPositional(String action, Object[] arguments, Supplier<List<String>> loaded) {
        return call(action, Arguments.of(arguments), loaded);
    }

    /**
     * Looks an action up, failing when it is unknown.
     *
     * @param action an action name (without the module prefix)
     * @param loaded the loaded actions, named in the error
     * @return the action
     * @throws ActionException naming the loaded actions when it is unknown
     */
    protected final ActionMethod require(String action, Supplier<List<String>> loaded) {
        ActionMethod method = method(action);
        if (method == null) {
            throw new ActionException("No loaded action '" + module() + "." + action + "'; loaded actions: "
                    + loaded.get());
        }
        return method;
    }
}
