package io.jsorc.runtime;

import io.jsorc.OrchestratorAware;
import io.jsorc.OrchestratorExtension;
import io.jsorc.ServiceListener;
import io.jsorc.cluster.LeaderElection;
import io.jsorc.cluster.ManifestApplier;
import io.jsorc.config.Hook;
import io.jsorc.config.Placeholders;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The options of an orchestrator's builder, collected into {@link AssemblySettings}; {@code Orchestrator.Builder}
 * extends it and adds {@code build()}. Not thread-safe.
 *
 * @param <B> the concrete builder, returned by every option for chaining
 */
public abstract class AssemblyBuilder<B extends AssemblyBuilder<B>> {



    private List<String> scanPackages;
    private final List<Class<?>> classes = new ArrayList<>();
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final Set<String> configKeys = new LinkedHashSet<>();
    private final List<ServiceListener> listeners = new ArrayList<>();
    private List<ManifestApplier> appliers;
    private List<LeaderElection> elections;
    private final List<OrchestratorExtension> extensions = new ArrayList<>();
    private ClassLoader classLoader = defaultClassLoader();
    private Placeholders placeholders = Placeholders.fromEnvironment();
    private boolean useIndex = !"false".equalsIgnoreCase(System.getProperty("jsorc.index"));
    private Hook hook;


    /** For the concrete builder. */
    protected AssemblyBuilder() {
    }

    /**
     * Narrows the classpath scan to these packages; with no argument nothing is scanned. Without this call the
     * system property {@code jsorc.scan.packages} (comma separated) decides, and without that the whole
     * classpath is scanned. JsOrc's own components are registered either way.
     *
     * @param packages package names
     * @return this
     */
    public B scanPackages(String... packages) {
        this.scanPackages = List.copyOf(Arrays.asList(packages));
        return self();
    }

    /**
     * Chooses whether a compile-time component index replaces the classpath scan where present (default true,
     * or the system property {@code jsorc.index}).
     *
     * @param enabled use the index
     * @return this
     */
    public B useIndex(boolean enabled) {
        this.useIndex = enabled;
        return self();
    }

    /**
     * Registers annotated classes in addition to the scan.
     *
     * @param types the classes
     * @return this
     */
    public B register(Class<?>... types) {
        classes.addAll(Arrays.asList(types));
        return self();
    }

    /**
     * Overrides the default of a config or manifest key (it still yields to a value stored in the hook).
     *
     * @param key  the key
     * @param json a JSON object
     * @return this
     */
    public B config(String key, String json) {
        overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(json, "json"));
        return self();
    }

    /**
     * Declares config keys that belong to no service, so the config API accepts them.
     *
     * @param keys the keys
     * @return this
     */
    public B declareConfigKey(String... keys) {
        configKeys.addAll(Arrays.asList(keys));
        return self();
    }

    /**
     * Adds a listener told every state transition.
     *
     * @param listener the listener
     * @return this
     */
    public B listener(ServiceListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return self();
    }

    /**
     * Replaces the {@link ManifestApplier}s found with {@link java.util.ServiceLoader}.
     *
     * @param manifestAppliers the appliers (none: the manifest step is skipped)
     * @return this
     */
    public B manifestAppliers(ManifestApplier... manifestAppliers) {
        this.appliers = List.of(manifestAppliers);
        return self();
    }

    /**
     * Replaces the {@link LeaderElection} backends found with {@link java.util.ServiceLoader}
     * ({@code JSORC_CONFIG.leader_election} still picks among them).
     *
     * @param backends the backends (none: every replica leads)
     * @return this
     */
    public B leaderElections(LeaderElection... backends) {
        this.elections = List.of(backends);
        return self();
    }

    /**
     * Adds an extension in addition to those found with {@link java.util.ServiceLoader}.
     *
     * @param extension the extension
     * @return this
     */
    public B extension(OrchestratorExtension extension) {
        extensions.add(Objects.requireNonNull(extension, "extension"));
        return self();
    }

    /**
     * Pins the config store's backend instead of resolving the winning {@code @Repository(name = "hook")}.
     *
     * @param backend the backend; it is attached when it is {@link OrchestratorAware}
     * @return this
     */
    public B hook(Hook backend) {
        this.hook = Objects.requireNonNull(backend, "backend");
        return self();
    }

    /**
     * Sets where classes, built-in lists and default resources come from.
     *
     * @param loader the class loader
     * @return this
     */
    public B classLoader(ClassLoader loader) {
        this.classLoader = Objects.requireNonNull(loader, "loader");
        return self();
    }

    /**
     * Sets how {@code ${NAME:fallback}} in defaults is resolved (default: environment, then system properties).
     *
     * @param resolver the resolver
     * @return this
     */
    public B placeholders(Placeholders resolver) {
        this.placeholders = Objects.requireNonNull(resolver, "resolver");
        return self();
    }

    /**
     * Returns this builder as its concrete type.
     *
     * @return this
     */
    @SuppressWarnings("unchecked")
    protected final B self() {
        return (B) this;
    }

    /**
     * Returns what was collected, resolving the scan packages from {@code jsorc.scan.packages} when none were given.
     *
     * @return the settings
     */
    protected final AssemblySettings settings() {
        List<String> packages = scanPackages != null ? scanPackages : packagesFromSystemProperty();
        return new AssemblySettings(packages, List.copyOf(classes), Map.copyOf(overrides), Set.copyOf(configKeys),
                List.copyOf(listeners), appliers, List.copyOf(extensions), classLoader, placeholders, useIndex, hook,
                elections);
    }

    private static List<String> packagesFromSystemProperty() {
        String property = System.getProperty("jsorc.scan.packages");
        if (property == null) {
            return null;
        }
        List<String> packages = new ArrayList<>();
        for (String part : property.split(",")) {
            if (!part.isBlank()) {
                packages.add(part.strip());
            }
        }
        return packages;
    }

    private static ClassLoader defaultClassLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : AssemblyBuilder.class.getClassLoader();
    }
}
