package io.jsorc.action;

import io.jsorc.base.Json;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

/** The module in this JVM (in a class loader of its own when it comes from a jar). */
final class LocalPlacement extends Placement {
    /** Module class loaders opened and not closed yet, in this JVM: a leak shows here (tests read it). */
    private static final java.util.concurrent.atomic.AtomicInteger OPEN_LOADERS =
            new java.util.concurrent.atomic.AtomicInteger();

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    final ActionSpec spec;
    final Object instance;
    final URLClassLoader loader;
    final long measuredMb;

    private LocalPlacement(ActionSpec spec, Object instance, URLClassLoader loader, long measuredMb) {
        this.spec = spec;
        this.instance = instance;
        this.loader = loader;
        this.measuredMb = measuredMb;
    }

    static LocalPlacement load(ActionConfig config) {
        URLClassLoader loader = null;
        long before = usedHeapMb();
        try {
            ClassLoader parent = ActionManager.class.getClassLoader();
            if (config.jar() != null) {
                loader = new URLClassLoader(new URL[]{Path.of(config.jar()).toUri().toURL()}, parent);
                OPEN_LOADERS.incrementAndGet();
            }
            // Not initialised yet: a class that is no @ActionModule must not get to run its static initialiser.
            Class<?> type = Class.forName(config.module(), false, loader != null ? loader : parent);
            ActionSpec spec = ActionSpec.of(type);
            Object instance = type.getDeclaredConstructor().newInstance();
            return new LocalPlacement(spec, instance, loader, Math.max(0, usedHeapMb() - before));
        } catch (ReflectiveOperationException | IOException | RuntimeException | LinkageError e) {
            closeQuietly(loader);
            throw new ActionException("Cannot load action module " + config.module()
                    + (config.jar() == null ? "" : " from " + config.jar()) + ": " + e, e);
        }
    }

    private static long usedHeapMb() {
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) >> 20;
    }

    @Override
    public ActionMode mode() {
        return ActionMode.LOCAL;
    }

    @Override
    public java.util.Set<String> actionNames() {
        return spec.names();
    }

    @Override
    public ActionMethod method(String action) {
        return spec.action(action);
    }

    @Override
    public String module() {
        return spec.module();
    }

    @Override
    public Object call(String action, Arguments arguments, java.util.function.Supplier<List<String>> loaded) {
        ActionMethod method = require(action, loaded);
        // Results cross to the caller as JSON-compatible values, the same as from a remote server.
        Object result = method.invoke(instance, arguments);
        return plain(result) ? result : Json.mapper().convertValue(result, Object.class);
    }

    @Override
    public Object callPositional(String action, Object[] arguments, java.util.function.Supplier<List<String>> loaded) {
        Object result = require(action, loaded).invokePositional(instance, arguments);
        return plain(result) ? result : Json.mapper().convertValue(result, Object.class);
    }

    /** Closes its class loader, once. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(loader);
        }
    }

    /** {@return how many module class loaders are open in this JVM} */
    static int openLoaders() {
        return OPEN_LOADERS.get();
    }

    /** Already JSON-shaped: no conversion needed (the common case of a number or a string). */
    private static boolean plain(Object value) {
        return value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Double;
    }

    private static void closeQuietly(URLClassLoader loader) {
        if (loader != null) {
            OPEN_LOADERS.decrementAndGet();
            try {
                loader.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
