package io.jsorc;

import io.jsorc.config.Hook;
import io.jsorc.regen.RegenerationReport;

import java.util.List;
import java.util.Set;

/**
 * The static facade: every method forwards to the global {@link Orchestrator}, which is built from a classpath scan
 * and started on first use (narrow the scan with {@code -Djsorc.scan.packages=com.example}). Tests and hosts that
 * want control build their own orchestrator and {@link #install(Orchestrator)} it.
 */
public final class JsOrc {

    /** System property that turns the JVM shutdown hook off: {@code -Djsorc.shutdownHook=false}. */
    public static final String SHUTDOWN_HOOK_PROPERTY = "jsorc.shutdownHook";

    private static final Object LOCK = new Object();
    private static volatile Orchestrator global;
    /** The global orchestrator while its first start runs (under LOCK), for the shutdown hook to close. */
    private static volatile Orchestrator startingGlobal;
    /** The thread running that first start: what it builds (pre-loaded services) belongs to that orchestrator. */
    private static Thread startingThread;
    /** Set by the shutdown hook: a JVM on its way out gets no new global orchestrator. */
    private static volatile boolean exiting;
    private static boolean hookRegistered;

    private JsOrc() {
    }

    /**
     * Returns the global orchestrator, built and started on first use. Other threads wait while that first start runs;
     * the thread running it (a pre-loaded service's {@code run()} using the facade) gets the orchestrator being
     * started.
     *
     * @return the global orchestrator
     */
    public static Orchestrator orchestrator() {
        Orchestrator current = global;
        if (current != null) {
            return current;
        }
        synchronized (LOCK) {
            if (startingThread == Thread.currentThread()) {
                // Called from inside the first start (a pre-loaded service's run() using the facade): the orchestrator
                // being started is the global one. Building another here would start it, and its pre-loaded services,
                // under this one.
                return startingGlobal;
            }
            if (exiting) {
                throw new IllegalStateException("The JVM is exiting: JsOrc builds no new global orchestrator");
            }
            if (global == null) {
                // The hook first: a JVM told to exit during this first start still closes what it built.
                registerShutdownHook();
                Orchestrator built = Orchestrator.builder().build();
                startingGlobal = built;
                if (exiting) {
                    // The hook ran during the build and found nothing to close (both fields are volatile: either it
                    // sees startingGlobal, or this sees exiting).
                    startingGlobal = null;
                    built.close();
                    throw new IllegalStateException("The JVM is exiting: JsOrc builds no new global orchestrator");
                }
                startingThread = Thread.currentThread();
                try {
                    built.start();
                    global = built; // before startingGlobal is cleared: the hook sees one or the other
                } finally {
                    startingThread = null;
                    startingGlobal = null;
                }
            }
            return global;
        }
    }

    /**
     * The global orchestrator without building one: for code that must not start JsOrc as a side effect (a log
     * appender, say).
     *
     * @return the global orchestrator, when one was built or installed
     */
    public static java.util.Optional<Orchestrator> current() {
        return java.util.Optional.ofNullable(global);
    }

    /**
     * Makes {@code orchestrator} the global one. The previous one is returned, not closed.
     *
     * @param orchestrator the new global orchestrator, or {@code null} to have the next use build one
     * @return the previous global orchestrator, or {@code null}
     */
    public static Orchestrator install(Orchestrator orchestrator) {
        synchronized (LOCK) {
            Orchestrator previous = global;
            global = orchestrator;
            if (orchestrator != null) {
                registerShutdownHook();
            }
            return previous;
        }
    }

    /**
     * Closes the global orchestrator when the JVM exits, so persisting contexts are closed and child processes
     * (remote action servers) are stopped even when the host never calls {@link #shutdown()}. Registered once, when a
     * global orchestrator first exists; {@code -Djsorc.shutdownHook=false} turns it off. The caller holds LOCK.
     */
    private static void registerShutdownHook() {
        if (hookRegistered || "false".equalsIgnoreCase(System.getProperty(SHUTDOWN_HOOK_PROPERTY))) {
            return;
        }
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(JsOrc::shutdownAtExit, "jsorc-shutdown"));
            hookRegistered = true;
        } catch (IllegalStateException shuttingDown) {
            exiting = true;
            throw new IllegalStateException("The JVM is exiting: JsOrc builds no new global orchestrator",
                    shuttingDown);
        }
    }

    /**
     * The shutdown hook: no new global orchestrator from now on; the one starting, if any, and the global close. Takes
     * no LOCK: a first start that hangs holds it, and the JVM must exit all the same.
     */
    private static void shutdownAtExit() {
        exiting = true;
        Orchestrator starting = startingGlobal;
        if (starting != null) {
            starting.close(); // waits (10 s at most) for its start to end, then closes it
        }
        Orchestrator current = global;
        if (current != null) {
            current.close();
        }
    }

    /** Closes the global orchestrator (if any) and forgets it; the next use builds a new one. */
    public static void shutdown() {
        Orchestrator previous;
        synchronized (LOCK) {
            previous = global;
            global = null;
        }
        if (previous != null) {
            previous.close();
        }
    }

    /**
     * Returns the global orchestrator's service singleton, built and started on first use.
     *
     * @see Orchestrator#svc(String)
     */
    public static CommonService<?> svc(String name) {
        return orchestrator().svc(name);
    }

    /**
     * Returns the global orchestrator's service singleton as the given type.
     *
     * @see Orchestrator#svc(String, Class)
     */
    public static <T> T svc(String name, Class<T> type) {
        return orchestrator().svc(name, type);
    }

    /**
     * Returns a new instance of the winning repository class of the global orchestrator.
     *
     * @see Orchestrator#src(String)
     */
    public static Object src(String name) {
        return orchestrator().src(name);
    }

    /**
     * Returns a new instance of the winning repository class of the global orchestrator, as the given type.
     *
     * @see Orchestrator#src(String, Class)
     */
    public static <T> T src(String name, Class<T> type) {
        return orchestrator().src(name, type);
    }

    /**
     * Returns a new instance of the winning context class of the global orchestrator.
     *
     * @see Orchestrator#ctx(String, Object...)
     */
    public static Object ctx(String name, Object... args) {
        return orchestrator().ctx(name, args);
    }

    /**
     * Returns a new instance of the winning context class of the global orchestrator, as the given type.
     *
     * @see Orchestrator#ctx(String, Class, Object...)
     */
    public static <T> T ctx(String name, Class<T> type, Object... args) {
        return orchestrator().ctx(name, type, args);
    }

    /**
     * Returns the persisting instance of a context of the global orchestrator, created on first call.
     *
     * @see Orchestrator#get(String)
     */
    public static Object get(String name) {
        return orchestrator().get(name);
    }

    /**
     * Returns the persisting instance of a context of the global orchestrator, as the given type.
     *
     * @see Orchestrator#get(String, Class)
     */
    public static <T> T get(String name, Class<T> type) {
        return orchestrator().get(name, type);
    }

    /**
     * Drops the persisting instance of a context of the global orchestrator.
     *
     * @see Orchestrator#destroy(String)
     */
    public static void destroy(String name) {
        orchestrator().destroy(name);
    }

    /**
     * Replaces the persisting instance of a context of the global orchestrator by a new one.
     *
     * @see Orchestrator#renew(String)
     */
    public static Object renew(String name) {
        return orchestrator().renew(name);
    }

    /**
     * Replaces the persisting instance of a context of the global orchestrator by a new one, as the given type.
     *
     * @see Orchestrator#renew(String, Class)
     */
    public static <T> T renew(String name, Class<T> type) {
        return orchestrator().renew(name, type);
    }

    /**
     * Returns the global orchestrator's config backend.
     *
     * @see Orchestrator#hook()
     */
    public static Hook hook() {
        return orchestrator().hook();
    }

    /**
     * Discards the global orchestrator's cached service and builds and starts a fresh one from the current config.
     *
     * @see Orchestrator#serviceRefresh(String)
     */
    public static CommonService<?> serviceRefresh(String name) {
        return orchestrator().serviceRefresh(name);
    }

    /**
     * Marks a service of the global orchestrator {@code RESTART}, so the regeneration loop rebuilds it.
     *
     * @see Orchestrator#requestRestart(String)
     */
    public static void requestRestart(String name) {
        orchestrator().requestRestart(name);
    }

    /**
     * Fills the fields of {@code target} annotated {@code @Svc}, {@code @Src} or {@code @Ctx} from the global
     * orchestrator.
     *
     * @see Orchestrator#inject(Object)
     */
    public static <T> T inject(T target) {
        return orchestrator().inject(target);
    }

    /**
     * Runs one regeneration cycle of the global orchestrator now, in the calling thread.
     *
     * @see Orchestrator#regenerate()
     */
    public static RegenerationReport regenerate() {
        return orchestrator().regenerate();
    }

    /**
     * Returns a snapshot of every service the global orchestrator built.
     *
     * @see Orchestrator#status()
     */
    public static List<ServiceInfo> status() {
        return orchestrator().status();
    }

    /**
     * Adds a listener told every state transition of every service of the global orchestrator.
     *
     * @see Orchestrator#addListener(ServiceListener)
     */
    public static void addListener(ServiceListener listener) {
        orchestrator().addListener(listener);
    }

    /**
     * Validates and stores a service's new manifest and marks the service {@code RESTART}, on the global orchestrator.
     *
     * @see Orchestrator#applyYaml(String, String, String)
     */
    public static void applyYaml(String service, String yaml, String unsafeParaphrase) {
        orchestrator().applyYaml(service, yaml, unsafeParaphrase);
    }

    /**
     * Applies resources that belong to no service, through the global orchestrator's applier that loads them.
     *
     * @see Orchestrator#loadYaml(String, String)
     */
    public static io.jsorc.manifest.ApplyReport loadYaml(String yaml, String namespace) {
        return orchestrator().loadYaml(yaml, namespace);
    }

    /**
     * Returns a config or manifest key's JSON from the global orchestrator's config store.
     *
     * @see Orchestrator#configGet(String)
     */
    public static String configGet(String name) {
        return orchestrator().configGet(name);
    }

    /**
     * Replaces a key's stored value in the global orchestrator's config store.
     *
     * @see Orchestrator#configSet(String, String)
     */
    public static void configSet(String name, String json) {
        orchestrator().configSet(name, json);
    }

    /**
     * Replaces a key's stored value in the global orchestrator's config store with the given durability.
     *
     * @see Orchestrator#configSet(String, String, io.jsorc.config.Durability)
     */
    public static void configSet(String name, String json, io.jsorc.config.Durability durability) {
        orchestrator().configSet(name, json, durability);
    }

    /**
     * Replaces one field of a key's stored value in the global orchestrator's config store.
     *
     * @see Orchestrator#configUpdate(String, String, String)
     */
    public static void configUpdate(String name, String field, String jsonValue) {
        orchestrator().configUpdate(name, field, jsonValue);
    }

    /**
     * Removes a key's stored value from the global orchestrator's config store.
     *
     * @see Orchestrator#configDelete(String)
     */
    public static void configDelete(String name) {
        orchestrator().configDelete(name);
    }

    /**
     * Lists the keys of the global orchestrator's config store that have a value.
     *
     * @see Orchestrator#configList()
     */
    public static Set<String> configList() {
        return orchestrator().configList();
    }

    /**
     * Tells whether a key of the global orchestrator's config store has a value.
     *
     * @see Orchestrator#configExists(String)
     */
    public static boolean configExists(String name) {
        return orchestrator().configExists(name);
    }

    /**
     * Sets a service's config in the global orchestrator's config store, then refreshes the service.
     *
     * @see Orchestrator#serviceConfigSet(String, String)
     */
    public static CommonService<?> serviceConfigSet(String serviceName, String json) {
        return orchestrator().serviceConfigSet(serviceName, json);
    }
}
