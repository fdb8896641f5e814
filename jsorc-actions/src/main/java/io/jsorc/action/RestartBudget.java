package io.jsorc.action;

import dev.failsafe.CircuitBreaker;
import io.jsorc.base.Backoff;

import java.time.Duration;
import java.util.Optional;

/**
 * How often one module's remote server may be restarted: at most {@code remote.restart_budget} restarts (3) within
 * {@code remote.restart_window_ms} (5 minutes), each after a backoff that starts at {@code remote.restart_backoff_ms}
 * (500) and doubles per failure in the window, capped at {@code remote.restart_backoff_max_ms} (30000).
 *
 * <p>The budget is a Failsafe {@link CircuitBreaker} with time-based thresholding: every server failure is recorded
 * on it, and it opens on failure {@code budget + 1} within the window. While it is open nothing is restarted; once it
 * has stayed open for a whole window it starts over with a fresh window. Thread-safe.
 */
final class RestartBudget {

    static final int DEFAULT_RESTARTS = 3;
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    static final Duration DEFAULT_BACKOFF = Duration.ofMillis(500);
    static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);

    private final int restarts;
    private final Duration window;
    private final CircuitBreaker<Object> breaker;
    private final Backoff backoff;

    RestartBudget(int restarts, Duration window, Duration backoff, Duration backoffMax) {
        this.restarts = restarts;
        this.window = window;
        // Failure budget + 1 opens it: the budget-th failure still gets its restart.
        this.breaker = CircuitBreaker.builder().withFailureThreshold(restarts + 1, window).withDelay(window).build();
        this.backoff = Backoff.exponential(backoff, backoffMax);
    }

    /**
     * Reads the budget of a module from its {@code remote} config.
     *
     * @param config the module's config
     * @return its budget
     * @throws IllegalArgumentException naming the key whose value is not allowed
     */
    static RestartBudget of(ActionConfig config) {
        return of(config.module(), config.remote());
    }

    /**
     * Reads the budget from a module's {@code remote} keys; {@link ActionConfig} calls it to check them when it is
     * made, so a bad value is refused before anything is loaded or launched.
     *
     * @param module the module class, for messages
     * @param remote the {@code remote} keys
     * @return its budget
     * @throws IllegalArgumentException naming the key whose value is not allowed
     */
    static RestartBudget of(String module, java.util.Map<String, Object> remote) {
        int restarts = (int) number(module, remote, "restart_budget", DEFAULT_RESTARTS, 0, 1_000);
        Duration window = Duration.ofMillis(number(module, remote, "restart_window_ms", DEFAULT_WINDOW.toMillis(), 1,
                Long.MAX_VALUE / 1_000_000));
        long initial = number(module, remote, "restart_backoff_ms", DEFAULT_BACKOFF.toMillis(), 1, 3_600_000);
        long cap = number(module, remote, "restart_backoff_max_ms", Math.max(initial, DEFAULT_BACKOFF_MAX.toMillis()),
                initial, 3_600_000);
        return new RestartBudget(restarts, window, Duration.ofMillis(initial), Duration.ofMillis(cap));
    }

    /** A whole number from {@code min} to {@code max}, else the key named with what is allowed; absent: fallback. */
    static long number(String module, java.util.Map<String, Object> remote, String key, long fallback, long min,
                       long max) {
        Object value = remote.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < min
                || n.longValue() > max) {
            throw new IllegalArgumentException("remote." + key + " of action module " + module
                    + " must be a whole number from " + min + " to " + max + ", is " + value);
        }
        return n.longValue();
    }

    /**
     * Records a failure of the server.
     *
     * @return how long to wait before restarting it, or empty when the budget is spent (no restart)
     */
    synchronized Optional<Duration> failed() {
        if (breaker.isOpen() && breaker.getRemainingDelay().isZero()) {
            breaker.close(); // it stayed open for a whole window: a fresh window and budget
        }
        if (!breaker.isClosed()) {
            return Optional.empty();
        }
        breaker.recordFailure();
        if (!breaker.isClosed()) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(backoff.delayNanos((int) Math.max(1, breaker.getFailureCount()))));
    }

    /** {@return the failures counted in the current window} */
    synchronized long failures() {
        return breaker.getFailureCount();
    }

    /** {@return the budget, as the detail of a status says it: {@code 3 restarts in 300000 ms}} */
    String describe() {
        return restarts + " restart" + (restarts == 1 ? "" : "s") + " in " + window.toMillis() + " ms";
    }
}
