package io.jsorc;

import io.jsorc.lifecycle.Daemons;
import io.jsorc.manifest.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Base class of every service: one lifecycle, config, manifest, daemon threads.
 *
 * <p>The orchestrator builds a service with its public no-arg constructor, hands it its config and manifest, and
 * calls {@link #start()}: when the service is enabled, the state goes {@code NOT_STARTED -> STARTED}, {@link #run()}
 * builds the app (the client the service wraps), the state goes {@code RUNNING} and {@link #postRun()} runs. Any
 * exception from {@code run} or {@code postRun} clears the app, records the error, makes the state {@code FAILED},
 * calls {@link #failed(Throwable)} and stops the daemons. Every illegal transition is an
 * {@link IllegalStateException} naming the service and its state.
 *
 * <p>The config flags {@code enabled}, {@code automated} and {@code quiet} (all default false; a service with no
 * config at all is disabled) are taken out of the config; the rest is {@link #config()}.
 *
 * @param <A> the type of the app the service wraps
 */
public abstract class CommonService<A> {

    private static final Duration DAEMON_JOIN_TIMEOUT = Duration.ofSeconds(5);

    /** Logger of the concrete service class. */
    protected final Logger log = LoggerFactory.getLogger(getClass());

    private final Object lock = new Object();
    private volatile ServiceState state = ServiceState.NOT_STARTED;
    private volatile A app;
    private volatile Throwable error;
    private volatile boolean deleted;
    /** Transitions not yet told to the listener, in the order they happened. */
    private final TransitionQueue transitions = new TransitionQueue();

    /** Replaced once, by {@link #bind}; read without the lock, as the fields it replaced were. */
    private ServiceSettings settings = ServiceSettings.unbound(getClass());
    private ServiceContext context;
    private Consumer<CommonService<?>> failures = s -> { };
    private Daemons daemons = new Daemons(settings.name(), DAEMON_JOIN_TIMEOUT);

    /** For subclasses; the orchestrator configures the instance after construction. */
    protected CommonService() {
    }

    // ---------------------------------------------------------------- wiring (called by the orchestrator)

    /**
     * Binds a freshly built instance to the orchestrator that built it: its name, config and manifest come from
     * {@code context}, transitions go to {@code transitions}, and {@code failures} is told once the instance failed
     * and its daemons are gone. Allowed once per instance.
     *
     * @param serviceContext what the service may ask of its orchestrator
     * @param transitions    told every state transition, outside the service's lock
     * @param failures       told when the instance turned {@code FAILED} and its daemons ended
     * @return the only handle that can restart or discard this instance
     * @throws IllegalStateException when the instance is already bound
     */
    public final ServiceControl bind(ServiceContext serviceContext, ServiceListener transitions,
                                     Consumer<CommonService<?>> failures) {
        synchronized (lock) {
            if (this.context != null) {
                throw new IllegalStateException("Service '" + settings.name()
                        + "' is already bound; an instance is bound once");
            }
            this.context = serviceContext;
        }
        this.settings = ServiceSettings.bound(getClass(), serviceContext);
        this.transitions.listenWith(transitions);
        this.failures = failures;
        this.daemons = new Daemons(settings.name(), DAEMON_JOIN_TIMEOUT);
        return new Control();
    }

    /** The controls handed to whoever bound this instance. */
    private final class Control implements ServiceControl {

        @Override
        public void markRestart() {
            CommonService.this.markRestart();
        }

        @Override
        public void discard() {
            delete();
        }

        @Override
        public void failBeforeStart(Throwable cause) {
            fail(cause);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Starts the service when it is enabled and ready ({@link #isReady()}); a disabled service stays
     * {@code NOT_STARTED}. Failures do not propagate: they make the service {@code FAILED} (see the class comment).
     *
     * @throws IllegalStateException when the service is enabled but not {@code NOT_STARTED}, or already has an app
     */
    public final void start() {
        String configProblem = settings.flags().problem();
        boolean badConfig = false;
        synchronized (lock) {
            if (configProblem != null && state == ServiceState.NOT_STARTED) {
                badConfig = true;
            } else if (!settings.flags().enabled()) {
                log.debug("Service '{}' is disabled; not starting it", settings.name());
                return;
            } else if (!isReady() || deleted) {
                throw new IllegalStateException("Service '" + settings.name() + "' cannot start: it is " + state
                        + (deleted ? " and discarded" : app != null ? " and already has an app" : "")
                        + "; start() needs NOT_STARTED");
            } else {
                transition(ServiceState.STARTED, null);
            }
        }
        if (badConfig) {
            fail(new IllegalArgumentException(configProblem));
            return;
        }
        announcePending();
        try {
            A built = run();
            if (built == null) {
                throw new IllegalStateException(getClass().getName() + ".run() of service '" + settings.name()
                        + "' returned null; it must return the app it wraps");
            }
            synchronized (lock) {
                app = built;
                if (state != ServiceState.STARTED) {
                    // Discarded or queued for restart while run() worked: keep the app for onDelete to release,
                    // but do not resurrect the instance.
                    return;
                }
                transition(ServiceState.RUNNING, null);
            }
            announcePending();
            settings.recovered();
            postRun();
        } catch (Throwable e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            fail(e);
            if (e instanceof VirtualMachineError error) {
                throw error;
            }
        }
    }

    /**
     * Marks a running service failed from outside {@code run}/{@code postRun}, e.g. when its health check fails or
     * a daemon finds its connection dead. The regeneration loop then rebuilds it if it is automated. Ignored on an
     * instance that was already discarded.
     *
     * @param cause why it failed
     * @throws IllegalStateException when the service is not {@code STARTED} or {@code RUNNING}
     */
    public final void markFailed(Throwable cause) {
        synchronized (lock) {
            if (deleted) {
                // A discarded instance (its replacement may already run): its failure concerns nobody.
                return;
            }
            if (state != ServiceState.RUNNING && state != ServiceState.STARTED) {
                throw new IllegalStateException("Service '" + settings.name() + "' cannot be marked failed: it is "
                        + state);
            }
        }
        fail(cause);
    }

    private void fail(Throwable cause) {
        boolean discarded;
        synchronized (lock) {
            if (state == ServiceState.FAILED || state == ServiceState.RESTART) {
                return;
            }
            // Checked here, under the lock the discard takes, not only by markFailed before it let go of it.
            discarded = deleted;
            if (!discarded) {
                app = null;
                error = cause;
                transition(ServiceState.FAILED, cause);
            }
        }
        if (discarded) {
            // Its replacement may run already: no transition, no WARN, no rebuild. The hook still runs, so what run()
            // opened before it threw is released (onDelete ran before that).
            runFailedHook(cause);
            return;
        }
        announcePending();
        if (!settings.flags().quiet()) {
            settings.logFailure(log, cause);
        }
        runFailedHook(cause);
        // Only now, with its daemons gone, may the regeneration loop build a replacement.
        failures.accept(this);
    }

    private void runFailedHook(Throwable cause) {
        try {
            failed(cause);
        } catch (RuntimeException e) {
            log.warn("failed() hook of service '{}' threw", settings.name(), e);
        } finally {
            // After the hook, as after onDelete: the hook may unblock its daemons (close their sockets) first.
            daemons.close();
        }
    }

    /** Queues this instance for regeneration (state {@code RESTART}); the orchestrator rebuilds it. */
    private void markRestart() {
        synchronized (lock) {
            if (deleted || state == ServiceState.RESTART) {
                return; // discarded: a request that read its handle before the refresh concerns the replacement
            }
            transition(ServiceState.RESTART, null);
        }
        announcePending();
    }

    /** Ends this instance: {@code onDelete}, then its daemons are stopped and its app dropped. Idempotent. */
    private void delete() {
        synchronized (lock) {
            if (deleted) {
                return;
            }
            deleted = true;
        }
        try {
            onDelete();
        } catch (RuntimeException e) {
            log.warn("onDelete() of service '{}' threw", settings.name(), e);
        } finally {
            daemons.close();
            app = null;
        }
    }

    /**
     * Changes the state and queues its announcement; the caller holds the lock and calls {@link #announcePending()}
     * after releasing it.
     */
    private ServiceState transition(ServiceState to, Throwable cause) {
        ServiceState from = state;
        if (!from.canGoTo(to)) {
            throw new IllegalStateException("Service '" + settings.name() + "' cannot go from " + from + " to " + to);
        }
        state = to;
        transitions.queue(from, to, cause);
        return from;
    }

    /** Tells the listener the queued transitions, outside the lock, one at a time, in order. */
    private void announcePending() {
        transitions.deliver(settings.name(), log);
    }

    /**
     * Builds the app this service wraps: connect, check, return the client. Called once per instance, by
     * {@link #start()}.
     *
     * @return the app; never {@code null}
     * @throws Exception anything; it makes the service {@code FAILED}
     */
    protected abstract A run() throws Exception;

    /**
     * Runs after the service turned {@code RUNNING}: spawn daemons, warm caches. An exception makes it
     * {@code FAILED}.
     *
     * @throws Exception anything; it makes the service {@code FAILED}
     */
    protected void postRun() throws Exception {
    }

    /**
     * Called once when the service turns {@code FAILED}; its daemons are interrupted and joined right after (release
     * what they block on here). Exceptions are logged.
     *
     * @param cause why it failed
     */
    protected void failed(Throwable cause) {
    }

    /**
     * Called once when the instance is discarded (refresh, destroy, orchestrator close): release resources. Its
     * daemons are interrupted and joined right after.
     */
    protected void onDelete() {
    }

    /**
     * Liveness probe used by the regeneration loop to notice a service that died after it was running. Override to
     * ping the backing server (with a short timeout).
     *
     * @return whether the service works; the default is {@link #isRunning()}
     */
    public boolean healthy() {
        return isRunning();
    }

    /**
     * A cheap check that what this service needs answers again (a TCP connect to its server, say). While the service
     * waits out a backoff window after failing, the regeneration loop calls this about every 100 ms on the failed
     * instance and retries at once when it returns true — so recovery follows the dependency's return instead of
     * the backoff schedule, while a dead dependency still only sees the cheap probe. Must be fast and must not throw.
     *
     * @return whether a retry now is likely to succeed; the default, false, leaves retries to the backoff
     */
    public boolean probe() {
        return false;
    }

    // ---------------------------------------------------------------- poke

    /**
     * Returns the app of a running service, or says why there is none.
     *
     * @return the app
     * @throws ServiceNotRunningException when not running: "{@code <Class> is disabled or not yet configured!}" for
     *                                    a disabled or starting service, "{@code Service '<name>' failed: <cause>}"
     *                                    (the failure as cause) for a failed one
     */
    public A poke() {
        A current = app;
        if (state == ServiceState.RUNNING && current != null) {
            return current; // the hot path builds no message
        }
        throw settings.notRunning(getClass(), state, error);
    }

    /**
     * Returns the app of a running service, or throws with the caller's message.
     *
     * @param message the exception message when not running
     * @return the app
     * @throws ServiceNotRunningException with {@code message} when not running
     */
    public A poke(String message) {
        A current = app;
        if (state == ServiceState.RUNNING && current != null) {
            return current;
        }
        throw new ServiceNotRunningException(message, error);
    }

    /**
     * Returns this service or its app as the wanted type, when running.
     *
     * @param cast the wanted type
     * @param <T>  the wanted type
     * @return this service when {@code cast} is assignable from its class, else the app cast to {@code cast}
     * @throws ServiceNotRunningException when not running
     * @throws ClassCastException         when neither fits
     */
    public <T> T poke(Class<T> cast) {
        A current = poke();
        if (cast.isAssignableFrom(getClass())) {
            return cast.cast(this);
        }
        return cast.cast(current);
    }

    // ---------------------------------------------------------------- daemons

    /**
     * Starts a daemon thread named {@code jsorc-<service>-<name>} unless this service has a live one of that name.
     * Daemons are interrupted when the service fails or is discarded; they should end when interrupted.
     *
     * @param daemonName the daemon's name
     * @param target     what it runs
     * @return the live thread of that name
     */
    public Thread spawnDaemon(String daemonName, Runnable target) {
        return daemons.spawn(daemonName, target);
    }

    /**
     * Interrupts the named daemons and waits, bounded, for them to end.
     *
     * @param daemonNames names; none means every daemon of this service
     */
    public void terminateDaemon(String... daemonNames) {
        daemons.terminate(daemonNames);
    }

    /** {@return the names of this service's live daemons} */
    public Set<String> daemons() {
        return daemons.alive();
    }

    // ---------------------------------------------------------------- state and config

    /** {@return the service name} */
    public String name() {
        return settings.name();
    }

    /** {@return the service's own config (flags removed), unmodifiable} */
    public Map<String, Object> config() {
        return settings.flags().config();
    }

    /**
     * Binds the config to a type with Jackson ({@code record RedisConfig(String host, int port)}).
     *
     * @param type the type
     * @param <T>  the type
     * @return the bound config
     * @throws IllegalArgumentException when the config does not fit the type
     */
    public <T> T config(Class<T> type) {
        return settings.config(type);
    }

    /** {@return the service's manifest (empty when it has none), read when first asked for, then kept} */
    public Manifest manifest() {
        return settings.manifest();
    }

    /** {@return the app, or {@code null} when not running} */
    public A app() {
        return app;
    }

    /** {@return the lifecycle state} */
    public ServiceState state() {
        return state;
    }

    /** {@return the failure, or {@code null}} */
    public Throwable error() {
        return error;
    }

    /** {@return the {@code enabled} flag} */
    public boolean isEnabled() {
        return settings.flags().enabled();
    }

    /** {@return the {@code automated} flag: the regeneration loop keeps it alive} */
    public boolean isAutomated() {
        return settings.flags().automated();
    }

    /** {@return the {@code quiet} flag: failures are not logged} */
    public boolean isQuiet() {
        return settings.flags().quiet();
    }

    /** {@return {@code NOT_STARTED} and no app} */
    public boolean isReady() {
        return state == ServiceState.NOT_STARTED && app == null;
    }

    /** {@return {@code RUNNING}, the app set, and not discarded} */
    public boolean isRunning() {
        return state == ServiceState.RUNNING && app != null && !deleted;
    }

    /** {@return {@code FAILED}} */
    public boolean hasFailed() {
        return state == ServiceState.FAILED;
    }

    /** {@return whether this instance was discarded (refreshed, destroyed, closed)} */
    public boolean isDeleted() {
        return deleted;
    }

    /** {@return a snapshot with secret config values masked} */
    public ServiceInfo info() {
        Throwable failure = error;
        return settings.info(state, failure);
    }

    /**
     * Returns what this service may ask of the orchestrator that built it: other services, shared state, config.
     *
     * @return the service's context
     * @throws IllegalStateException when the instance was built outside an orchestrator
     */
    protected final ServiceContext context() {
        ServiceContext bound = context;
        if (bound == null) {
            throw new IllegalStateException("Service '" + settings.name() + "' was not built by an orchestrator");
        }
        return bound;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + settings.name() + ", " + state + "]";
    }
}
