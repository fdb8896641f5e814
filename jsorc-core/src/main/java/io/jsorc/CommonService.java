package io.jsorc;

import io.jsorc.config.Json;
import io.jsorc.config.Secrets;
import io.jsorc.lifecycle.Daemons;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Base class of every service: one lifecycle, config, manifest, daemon threads.
 *
 * <p>The orchestrator builds a service with its public no-arg constructor, hands it its config and manifest, and
 * calls {@link #start()}: when the service is enabled, the state goes {@code NOT_STARTED -> STARTED}, {@link #run()}
 * builds the app (the client the service wraps), the state goes {@code RUNNING} and {@link #postRun()} runs. Any
 * exception from {@code run} or {@code postRun} clears the app, records the error, makes the state {@code FAILED},
 * stops the daemons and calls {@link #failed(Throwable)}. Every illegal transition is an
 * {@link IllegalStateException} naming the service and its state.
 *
 * <p>The config flags {@code enabled}, {@code automated} and {@code quiet} (all default false; a service with no
 * config at all is disabled) are taken out of the config; the rest is {@link #config()}.
 *
 * @param <A> the type of the app the service wraps
 */
public abstract class CommonService<A> {

    private static final Duration DAEMON_JOIN_TIMEOUT = Duration.ofSeconds(5);
    private static final Map<ServiceState, Set<ServiceState>> ALLOWED = Map.of(
            ServiceState.NOT_STARTED, EnumSet.of(ServiceState.STARTED, ServiceState.FAILED, ServiceState.RESTART),
            ServiceState.STARTED, EnumSet.of(ServiceState.RUNNING, ServiceState.FAILED, ServiceState.RESTART),
            ServiceState.RUNNING, EnumSet.of(ServiceState.FAILED, ServiceState.RESTART),
            ServiceState.FAILED, EnumSet.of(ServiceState.RESTART),
            ServiceState.RESTART, EnumSet.noneOf(ServiceState.class));

    /** Logger of the concrete service class. */
    protected final Logger log = LoggerFactory.getLogger(getClass());

    private final Object lock = new Object();
    private volatile ServiceState state = ServiceState.NOT_STARTED;
    private volatile A app;
    private volatile Throwable error;
    private volatile boolean deleted;

    private String name = getClass().getSimpleName();
    private Map<String, Object> config = Map.of();
    private boolean enabled;
    private boolean automated;
    private boolean quiet;
    private String configProblem;
    private Manifest manifest = Manifest.empty();
    private Orchestrator orchestrator;
    private ServiceListener transitions = (s, from, to, e) -> { };
    private Daemons daemons = new Daemons(name, DAEMON_JOIN_TIMEOUT);

    /** For subclasses; the orchestrator configures the instance after construction. */
    protected CommonService() {
    }

    // ---------------------------------------------------------------- wiring (called by the orchestrator)

    final void bind(String serviceName, Map<String, Object> rawConfig, Manifest serviceManifest,
                    Orchestrator owner, ServiceListener sink) {
        this.name = serviceName;
        this.orchestrator = owner;
        this.transitions = sink;
        this.manifest = serviceManifest;
        this.daemons = new Daemons(serviceName, DAEMON_JOIN_TIMEOUT);
        Map<String, Object> own = new LinkedHashMap<>();
        if (rawConfig != null) {
            own.putAll(rawConfig);
        }
        this.enabled = rawConfig != null && flag(own.remove("enabled"), "enabled");
        this.automated = flag(own.remove("automated"), "automated");
        this.quiet = flag(own.remove("quiet"), "quiet");
        this.config = Collections.unmodifiableMap(own);
    }

    private boolean flag(Object value, String flag) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        String problem = "Config flag '" + flag + "' of service '" + name + "' is " + value
                + "; allowed: true or false";
        configProblem = configProblem == null ? problem : configProblem + "; " + problem;
        return false;
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Starts the service when it is enabled and ready ({@link #isReady()}); a disabled service stays
     * {@code NOT_STARTED}. Failures do not propagate: they make the service {@code FAILED} (see the class comment).
     *
     * @throws IllegalStateException when the service is enabled but not {@code NOT_STARTED}, or already has an app
     */
    public final void start() {
        synchronized (lock) {
            if (configProblem != null && state == ServiceState.NOT_STARTED) {
                fail(new IllegalArgumentException(configProblem));
                return;
            }
            if (!enabled) {
                log.debug("Service '{}' is disabled; not starting it", name);
                return;
            }
            if (!isReady()) {
                throw new IllegalStateException("Service '" + name + "' cannot start: it is " + state
                        + (app != null ? " and already has an app" : "") + "; start() needs NOT_STARTED");
            }
            transition(ServiceState.STARTED, null);
        }
        try {
            A built = run();
            if (built == null) {
                throw new IllegalStateException(getClass().getName() + ".run() of service '" + name
                        + "' returned null; it must return the app it wraps");
            }
            synchronized (lock) {
                if (state != ServiceState.STARTED) {
                    // Deleted or queued for restart while run() was in progress: do not resurrect it.
                    return;
                }
                app = built;
                transition(ServiceState.RUNNING, null);
            }
            postRun();
        } catch (Exception | LinkageError | AssertionError e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            fail(e);
        }
    }

    /**
     * Marks a running service failed from outside {@code run}/{@code postRun}, e.g. when its health check fails or
     * a daemon finds its connection dead. The regeneration loop then rebuilds it if it is automated.
     *
     * @param cause why it failed
     * @throws IllegalStateException when the service is not {@code STARTED} or {@code RUNNING}
     */
    public final void markFailed(Throwable cause) {
        synchronized (lock) {
            if (state != ServiceState.RUNNING && state != ServiceState.STARTED) {
                throw new IllegalStateException("Service '" + name + "' cannot be marked failed: it is " + state);
            }
        }
        fail(cause);
    }

    private void fail(Throwable cause) {
        synchronized (lock) {
            if (state == ServiceState.FAILED || state == ServiceState.RESTART) {
                return;
            }
            app = null;
            error = cause;
            transition(ServiceState.FAILED, cause);
        }
        daemons.terminate();
        if (!quiet) {
            log.warn("Service '{}' failed: {} (config {})", name, cause.toString(), Secrets.mask(config));
            log.debug("Service '{}' failure", name, cause);
        }
        try {
            failed(cause);
        } catch (RuntimeException e) {
            log.warn("failed() hook of service '{}' threw", name, e);
        }
    }

    /** Queues this instance for regeneration (state {@code RESTART}); the orchestrator rebuilds it. */
    final void markRestart() {
        synchronized (lock) {
            if (state != ServiceState.RESTART) {
                transition(ServiceState.RESTART, null);
            }
        }
    }

    /** Ends this instance: {@code onDelete}, then its daemons are stopped and its app dropped. Idempotent. */
    final void delete() {
        synchronized (lock) {
            if (deleted) {
                return;
            }
            deleted = true;
        }
        try {
            onDelete();
        } catch (RuntimeException e) {
            log.warn("onDelete() of service '{}' threw", name, e);
        } finally {
            daemons.terminate();
            app = null;
        }
    }

    private void transition(ServiceState to, Throwable cause) {
        ServiceState from = state;
        if (!ALLOWED.get(from).contains(to)) {
            throw new IllegalStateException("Service '" + name + "' cannot go from " + from + " to " + to);
        }
        state = to;
        try {
            transitions.onTransition(name, from, to, cause);
        } catch (RuntimeException e) {
            log.warn("A listener threw on {} -> {} of service '{}'", from, to, name, e);
        }
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
     * Called once when the service turns {@code FAILED}, after its daemons were stopped. Exceptions are logged.
     *
     * @param cause why it failed
     */
    protected void failed(Throwable cause) {
    }

    /** Called once when the instance is discarded (refresh, destroy, orchestrator close): release resources. */
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

    // ---------------------------------------------------------------- poke

    /**
     * @return the app
     * @throws ServiceNotRunningException "{@code <Class> is disabled or not yet configured!}" when not running
     */
    public A poke() {
        return poke(getClass().getSimpleName() + " is disabled or not yet configured!");
    }

    /**
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

    /** @return the names of this service's live daemons */
    public Set<String> daemons() {
        return daemons.alive();
    }

    // ---------------------------------------------------------------- state and config

    /** @return the service name */
    public String name() {
        return name;
    }

    /** @return the service's own config (flags removed), unmodifiable */
    public Map<String, Object> config() {
        return config;
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
        try {
            return Json.mapper().convertValue(config, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Config of service '" + name + "' does not fit " + type.getName()
                    + ": " + e.getMessage(), e);
        }
    }

    /** @return the service's manifest (empty when it has none) */
    public Manifest manifest() {
        return manifest;
    }

    /** @return the app, or {@code null} when not running */
    public A app() {
        return app;
    }

    /** @return the lifecycle state */
    public ServiceState state() {
        return state;
    }

    /** @return the failure, or {@code null} */
    public Throwable error() {
        return error;
    }

    /** @return the {@code enabled} flag */
    public boolean isEnabled() {
        return enabled;
    }

    /** @return the {@code automated} flag: the regeneration loop keeps it alive */
    public boolean isAutomated() {
        return automated;
    }

    /** @return the {@code quiet} flag: failures are not logged */
    public boolean isQuiet() {
        return quiet;
    }

    /** @return {@code NOT_STARTED} and no app */
    public boolean isReady() {
        return state == ServiceState.NOT_STARTED && app == null;
    }

    /** @return {@code RUNNING} and the app set */
    public boolean isRunning() {
        return state == ServiceState.RUNNING && app != null;
    }

    /** @return {@code FAILED} */
    public boolean hasFailed() {
        return state == ServiceState.FAILED;
    }

    /** @return whether this instance was discarded (refreshed, destroyed, closed) */
    public boolean isDeleted() {
        return deleted;
    }

    /** @return a snapshot with secret config values masked */
    public ServiceInfo info() {
        Throwable failure = error;
        return new ServiceInfo(name, enabled, automated, quiet, state, Secrets.mask(config),
                failure == null ? null : failure.toString());
    }

    /**
     * @return the orchestrator that built this service
     * @throws IllegalStateException when the instance was built outside an orchestrator
     */
    protected final Orchestrator orchestrator() {
        if (orchestrator == null) {
            throw new IllegalStateException("Service '" + name + "' was not built by an Orchestrator");
        }
        return orchestrator;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", " + state + "]";
    }
}
