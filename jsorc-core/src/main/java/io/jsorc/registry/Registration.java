package io.jsorc.registry;

import io.jsorc.InvalidComponentException;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One annotated class as the registry knows it. A registration read from the compile-time index knows its class by
 * name only and loads it on first use ({@link #type()}), so building a registry from the index loads no component
 * class at all.
 */
public final class Registration {

    private final ComponentKind kind;
    private final String name;
    private final String className;
    private final int priority;
    private final String configKey;
    private final String manifestKey;
    private final boolean proxy;
    private final Supplier<Class<?>> loader;
    private volatile Class<?> type;

    /**
     * Creates the registration of a loaded class.
     *
     * @param kind        which annotation it carries
     * @param name        the name it is looked up by
     * @param type        the class
     * @param priority    higher wins among classes of the same kind and name
     * @param configKey   services only: the config key, else {@code null}
     * @param manifestKey services only: the manifest key, or {@code null} when it has none
     * @param proxy       services only: hand a placeholder to repositories under construction
     */
    public Registration(ComponentKind kind, String name, Class<?> type, int priority, String configKey,
                        String manifestKey, boolean proxy) {
        this(kind, name, type.getName(), priority, configKey, manifestKey, proxy, () -> type);
        this.type = type;
    }

    Registration(ComponentKind kind, String name, String className, int priority, String configKey,
                 String manifestKey, boolean proxy, Supplier<Class<?>> loader) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.name = Objects.requireNonNull(name, "name");
        this.className = Objects.requireNonNull(className, "className");
        this.priority = priority;
        this.configKey = configKey;
        this.manifestKey = manifestKey;
        this.proxy = proxy;
        this.loader = loader;
    }

    /** {@return which annotation it carries} */
    public ComponentKind kind() {
        return kind;
    }

    /** {@return the name it is looked up by} */
    public String name() {
        return name;
    }

    /** {@return the binary name of the class} */
    public String className() {
        return className;
    }

    /**
     * Returns the class, loaded on first call when the registration came from the index.
     *
     * @return the class
     * @throws InvalidComponentException when an indexed class cannot be loaded (a stale index)
     */
    public Class<?> type() {
        Class<?> loaded = type;
        if (loaded == null) {
            loaded = loader.get();
            type = loaded;
        }
        return loaded;
    }

    /** {@return higher wins among classes of the same kind and name} */
    public int priority() {
        return priority;
    }

    /** {@return services only: the config key, else {@code null}} */
    public String configKey() {
        return configKey;
    }

    /** {@return services only: the manifest key, or {@code null}} */
    public String manifestKey() {
        return manifestKey;
    }

    /** {@return services only: whether repositories under construction get a placeholder} */
    public boolean proxy() {
        return proxy;
    }

    /** {@return the manifest key, if the service has one} */
    public Optional<String> manifest() {
        return Optional.ofNullable(manifestKey);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Registration that && kind == that.kind && name.equals(that.name)
                && className.equals(that.className) && priority == that.priority
                && Objects.equals(configKey, that.configKey) && Objects.equals(manifestKey, that.manifestKey)
                && proxy == that.proxy;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, name, className, priority);
    }

    @Override
    public String toString() {
        return kind.label() + " '" + name + "' -> " + className + " (priority " + priority + ")";
    }
}
