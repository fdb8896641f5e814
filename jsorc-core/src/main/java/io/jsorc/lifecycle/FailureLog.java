package io.jsorc.lifecycle;

import org.slf4j.Logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Decides how loudly a service's failure is logged, so a service that fails at every backoff step does not repeat
 * the same WARN six times in three seconds: the first failure and each change of error are WARN, repeats are DEBUG
 * with a count, and while the same error repeats a WARN summary comes at most once per {@link #SUMMARY_INTERVAL_NANOS}.
 * A service that runs again starts afresh. One per orchestrator; thread-safe.
 */
public final class FailureLog {

    /** At most one summary WARN per service in this many nanoseconds (a minute). */
    public static final long SUMMARY_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** How to log one failure. */
    public enum Level {
        /** The first failure, or a different error than the last: WARN with the error. */
        WARN,
        /** The same error again: DEBUG, with the count so far. */
        DEBUG,
        /** The same error again, a summary interval after the last WARN: WARN with the count. */
        SUMMARY
    }

    /**
     * The decision for one failure.
     *
     * @param level   how loudly to log it
     * @param repeats how many times this same error came in a row, this one included
     */
    public record Decision(Level level, int repeats) { }

    private record Streak(String error, int repeats, long lastWarnNanos) { }

    private final Map<String, Streak> streaks = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    /** Creates a log on the system's nanosecond clock. */
    public FailureLog() {
        this(System::nanoTime);
    }

    /**
     * Creates a log on a given clock (tests).
     *
     * @param clock nanoseconds, as {@link System#nanoTime()}
     */
    public FailureLog(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * Records a failure and says how to log it.
     *
     * @param service the service name
     * @param error   the error's text (two failures with the same text are repeats)
     * @return the decision
     */
    public Decision failed(String service, String error) {
        long now = clock.getAsLong();
        Decision[] out = new Decision[1];
        streaks.compute(service, (name, streak) -> {
            if (streak == null || !streak.error().equals(error)) {
                out[0] = new Decision(Level.WARN, 1);
                return new Streak(error, 1, now);
            }
            int repeats = streak.repeats() + 1;
            if (now - streak.lastWarnNanos() >= SUMMARY_INTERVAL_NANOS) {
                out[0] = new Decision(Level.SUMMARY, repeats);
                return new Streak(error, repeats, now);
            }
            out[0] = new Decision(Level.DEBUG, repeats);
            return new Streak(error, repeats, streak.lastWarnNanos());
        });
        return out[0];
    }

    /**
     * Records a failure of a repeated step (a daemon's pass) and logs it as loudly as {@link #failed} decides.
     *
     * @param log   where to log
     * @param what  the step, as the log line names it (also the streak's key)
     * @param error the error's text
     */
    public void log(Logger log, String what, String error) {
        Decision decision = failed(what, error);
        switch (decision.level()) {
            case WARN -> log.warn("{} failed: {}", what, error);
            case SUMMARY -> log.warn("{} still fails: {} ({} times in a row; repeats are logged at DEBUG)", what, error,
                    decision.repeats());
            default -> log.debug("{} failed again ({} times in a row): {}", what, decision.repeats(), error);
        }
    }

    /**
     * Forgets a service's streak: it runs again, so its next failure is news.
     *
     * @param service the service name
     * @return whether it was failing until now
     */
    public boolean recovered(String service) {
        return streaks.remove(service) != null;
    }
}
