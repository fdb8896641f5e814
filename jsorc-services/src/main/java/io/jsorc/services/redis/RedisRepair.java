package io.jsorc.services.redis;

import io.jsorc.ComponentContext;
import io.jsorc.base.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Has the {@code redis} service built, once, when the config store cannot reach its Redis while the orchestrator
 * runs: the service is automated, so the regeneration loop then brings that Redis back (on the leader, by re-applying
 * {@code REDIS_MANIFEST}: the Deployment that serves the store in a cluster) and keeps it alive from then on. A store
 * whose Redis answers builds nothing, so a start does not pay for a client it does not use.
 *
 * <p>Built on a short-lived daemon ({@value #THREAD}), never on the reading thread, whose read must not wait for a
 * service that reads its own config through this store.
 */
final class RedisRepair {

    /** The daemon's name. */
    static final String THREAD = "jsorc-config-repair";

    private static final Logger log = LoggerFactory.getLogger(RedisHook.class);

    private final ComponentContext context;
    private final AtomicBoolean requested = new AtomicBoolean();
    private Thread building; // guarded by this
    private boolean closed; // guarded by this

    /**
     * Prepares the repair; nothing is built before {@link #request}.
     *
     * @param context where the service is asked for, and whether the orchestrator runs
     */
    RedisRepair(ComponentContext context) {
        this.context = context;
    }

    /** Starts the build, the first time the store could not reach Redis once the orchestrator runs. */
    void request() {
        if (!requested.get() && context.isStarted() && requested.compareAndSet(false, true)) {
            synchronized (this) {
                if (!closed) { // a store closing beside a failing read starts nothing close() would not join
                    building = DaemonThreads.start(THREAD, this::build);
                }
            }
        }
    }

    private void build() {
        try {
            context.svc("redis");
        } catch (RuntimeException e) {
            // A service whose run() fails comes back FAILED, for the loop to take over; this is for the rest
            // (disabled, the orchestrator closing).
            log.debug("The redis service could not be built for the config store's Redis", e);
        }
    }

    /** Waits (bounded) for a build still running: the orchestrator closed its services first, so it ends at once. */
    void close() {
        Thread thread;
        synchronized (this) {
            closed = true;
            thread = building;
        }
        DaemonThreads.join(thread, Duration.ofSeconds(10));
    }
}
