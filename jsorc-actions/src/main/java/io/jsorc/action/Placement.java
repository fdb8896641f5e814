package io.jsorc.action;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Where calls of a module can go; counts calls in flight so unloading can drain it. */
abstract class Placement {
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    boolean enter() {
        inFlight.incrementAndGet();
        if (draining) {
            exit();
            return false;
        }
        return true;
    }

    void exit() {
        if (inFlight.decrementAndGet() == 0 && draining) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Takes no new calls, then waits for the calls in flight. */
    void drain() {
        draining = true;
        synchronized (this) {
            while (inFlight.get() > 0) {
                try {
                    wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    abstract ActionMode mode();

    abstract java.util.Set<String> actionNames();

    /** {@return the action of that name here, or {@code null}} */
    abstract ActionMethod method(String action);

    /** {@return the module name, for messages} */
    abstract String module();

    abstract Object call(String action, Arguments arguments, java.util.function.Supplier<List<String>> loaded);

    /** {@return the action, or throws naming the loaded ones} */
    ActionMethod require(String action, java.util.function.Supplier<List<String>> loaded) {
        ActionMethod method = method(action);
        if (method == null) {
            throw new ActionException("No loaded action '" + module() + "." + action + "'; loaded actions: "
                    + loaded.get());
        }
        return method;
    }
}
