package io.jsorc.services.redis;

import io.jsorc.ComponentContext;
import io.jsorc.base.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Has the {@code redis} service built, once the orchestrator runs, so that its subscription hears replicas' config
 * changes. Asked from a config read (never from the hook's construction), and only once, so the service's own config
 * read through the hook does not ask again.
 *
 * <p>Built on a short-lived daemon ({@value #THREAD}), not on the reading thread: the read that asks is usually the
 * orchestrator's own in {@code start()}, and building the service (its client, its manifest) there made every start
 * ~100 ms longer. Nothing is missed meanwhile: once the service is up, the config state's {@code resync} compares
 * every memory copy with Redis and drops (and tells the listeners of) each one a replica changed.
 */
final class ConfigSubscriber {

    /** The daemon's name. */
    static final String THREAD = "jsorc-config-subscribe";

    private static final Logger log = LoggerFactory.getLogger(RedisHook.class);

    private final ComponentContext context;
    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile Thread building;

    ConfigSubscriber(ComponentContext context) {
        this.context = context;
    }

    /** Starts the build, the first time it is asked once the orchestrator runs; later calls do nothing. */
    void request() {
        if (context.isStarted() && requested.compareAndSet(false, true)) {
            building = DaemonThreads.start(THREAD, this::build);
        }
    }

    private void build() {
        try {
            context.svc("redis");
        } catch (RuntimeException e) {
            log.debug("The redis service could not be built for the config subscription", e);
        }
    }

    /** Waits (bounded) for a build still running: the orchestrator closed its services first, so it ends at once. */
    void close() {
        DaemonThreads.join(building, Duration.ofSeconds(10));
    }
}
