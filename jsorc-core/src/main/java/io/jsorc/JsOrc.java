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

    private static final Object LOCK = new Object();
    private static volatile Orchestrator global;

    private JsOrc() {
    }

    /** {@return the global orchestrator, built and started on first use} */
    public static Orchestrator orchestrator() {
        Orchestrator current = global;
        if (current != null) {
            return current;
        }
        synchronized (LOCK) {
            if (global == null) {
                global = Orchestrator.builder().build().start();
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
            return previous;
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

    /** @see Orchestrator#svc(String) */
    public static CommonService<?> svc(String name) {
        return orchestrator().svc(name);
    }

    /** @see Orchestrator#svc(String, Class) */
    public static <T> T svc(String name, Class<T> type) {
        return orchestrator().svc(name, type);
    }

    /** @see Orchestrator#src(String) */
    public static Object src(String name) {
        return orchestrator().src(name);
    }

    /** @see Orchestrator#src(String, Class) */
    public static <T> T src(String name, Class<T> type) {
        return orchestrator().src(name, type);
    }

    /** @see Orchestrator#ctx(String, Object...) */
    public static Object ctx(String name, Object... args) {
        return orchestrator().ctx(name, args);
    }

    /** @see Orchestrator#ctx(String, Class, Object...) */
    public static <T> T ctx(String name, Class<T> type, Object... args) {
        return orchestrator().ctx(name, type, args);
    }

    /** @see Orchestrator#get(String) */
    public static Object get(String name) {
        return orchestrator().get(name);
    }

    /** @see Orchestrator#get(String, Class) */
    public static <T> T get(String name, Class<T> type) {
        return orchestrator().get(name, type);
    }

    /** @see Orchestrator#destroy(String) */
    public static void destroy(String name) {
        orchestrator().destroy(name);
    }

    /** @see Orchestrator#renew(String) */
    public static Object renew(String name) {
        return orchestrator().renew(name);
    }

    /** @see Orchestrator#renew(String, Class) */
    public static <T> T renew(String name, Class<T> type) {
        return orchestrator().renew(name, type);
    }

    /** @see Orchestrator#hook() */
    public static Hook hook() {
        return orchestrator().hook();
    }

    /** @see Orchestrator#serviceRefresh(String) */
    public static CommonService<?> serviceRefresh(String name) {
        return orchestrator().serviceRefresh(name);
    }

    /** @see Orchestrator#requestRestart(String) */
    public static void requestRestart(String name) {
        orchestrator().requestRestart(name);
    }

    /** @see Orchestrator#inject(Object) */
    public static <T> T inject(T target) {
        return orchestrator().inject(target);
    }

    /** @see Orchestrator#regenerate() */
    public static RegenerationReport regenerate() {
        return orchestrator().regenerate();
    }

    /** @see Orchestrator#status() */
    public static List<ServiceInfo> status() {
        return orchestrator().status();
    }

    /** @see Orchestrator#addListener(ServiceListener) */
    public static void addListener(ServiceListener listener) {
        orchestrator().addListener(listener);
    }

    /** @see Orchestrator#applyYaml(String, String, String) */
    public static void applyYaml(String service, String yaml, String unsafeParaphrase) {
        orchestrator().applyYaml(service, yaml, unsafeParaphrase);
    }

    /** @see Orchestrator#loadYaml(String, String) */
    public static io.jsorc.manifest.ApplyReport loadYaml(String yaml, String namespace) {
        return orchestrator().loadYaml(yaml, namespace);
    }

    /** @see Orchestrator#configGet(String) */
    public static String configGet(String name) {
        return orchestrator().configGet(name);
    }

    /** @see Orchestrator#configSet(String, String) */
    public static void configSet(String name, String json) {
        orchestrator().configSet(name, json);
    }

    /** @see Orchestrator#configUpdate(String, String, String) */
    public static void configUpdate(String name, String field, String jsonValue) {
        orchestrator().configUpdate(name, field, jsonValue);
    }

    /** @see Orchestrator#configDelete(String) */
    public static void configDelete(String name) {
        orchestrator().configDelete(name);
    }

    /** @see Orchestrator#configList() */
    public static Set<String> configList() {
        return orchestrator().configList();
    }

    /** @see Orchestrator#configExists(String) */
    public static boolean configExists(String name) {
        return orchestrator().configExists(name);
    }

    /** @see Orchestrator#serviceConfigSet(String, String) */
    public static CommonService<?> serviceConfigSet(String serviceName, String json) {
        return orchestrator().serviceConfigSet(serviceName, json);
    }
}
