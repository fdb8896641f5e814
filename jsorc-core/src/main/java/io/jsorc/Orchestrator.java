package io.jsorc;

import io.jsorc.config.ConfigStore;
import io.jsorc.config.Hook;
import io.jsorc.config.Placeholders;
import io.jsorc.inject.Injector;
import io.jsorc.registry.ComponentKind;
import io.jsorc.registry.Registration;
import io.jsorc.registry.Registry;
import io.jsorc.registry.RegistryBuilder;
import io.jsorc.regen.ApplyReport;
import io.jsorc.regen.ManifestApplier;
import io.jsorc.regen.RegenerationLoop;
import io.jsorc.regen.RegenerationReport;
import io.jsorc.regen.RegenerationTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * One JsOrc instance: a registry of annotated classes, the services built from it, the persisting contexts, the
 * config store and the regeneration loop. {@link JsOrc} is a static facade over a global one; tests build their own
 * with {@link #builder()} and throw them away with {@link #close()}.
 *
 * <p>Thread-safe. Looking up a running service ({@link #svc(String)}) takes no lock and allocates nothing;
 * concurrent first lookups build and start the service exactly once.
 */
public final class Orchestrator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);

    private enum Phase { NEW, STARTED, CLOSED }

    private final Registry registry;
    private final ConfigStore configStore;
    private final RegenerationLoop regeneration;
    private final List<ManifestApplier> appliers;
    private final List<OrchestratorExtension> extensions;
    private final List<ServiceListener> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, ServiceSlot> slots = new ConcurrentHashMap<>();
    private final List<String> buildOrder = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Object> persisting = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> persistingLocks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Object, Object> shared = new ConcurrentHashMap<>();
    private final ThreadLocal<int[]> constructingRepository = ThreadLocal.withInitial(() -> new int[1]);
    private final Object phaseLock = new Object();
    private volatile Phase phase = Phase.NEW;

    private Orchestrator(Builder builder) {
        RegistryBuilder registryBuilder = Registry.builder().classLoader(builder.classLoader)
                .useIndex(builder.useIndex);
        List<String> packages = builder.scanPackages != null ? builder.scanPackages : packagesFromSystemProperty();
        if (packages == null || !packages.isEmpty()) {
            String[] accepted = packages == null ? new String[0] : packages.toArray(String[]::new);
            // Roots with a compile-time index are read from it; only roots without one are scanned.
            if (builder.useIndex) {
                registryBuilder.indexOrScan(accepted);
            } else {
                registryBuilder.scan(accepted);
            }
        }
        registryBuilder.register(builder.classes.toArray(Class<?>[]::new));
        this.registry = registryBuilder.build();

        Set<String> configKeys = new LinkedHashSet<>();
        Set<String> manifestKeys = new LinkedHashSet<>();
        for (Registration service : registry.all(ComponentKind.SERVICE)) {
            configKeys.add(service.configKey());
            service.manifest().ifPresent(manifestKeys::add);
        }
        this.configStore = new ConfigStore(this::hook, configKeys, manifestKeys, builder.configKeys,
                builder.overrides, builder.classLoader, builder.placeholders);
        this.listeners.addAll(builder.listeners);
        List<ManifestApplier> appliers = builder.appliers;
        if (appliers == null) {
            appliers = new ArrayList<>();
            ServiceLoader.load(ManifestApplier.class, builder.classLoader).forEach(appliers::add);
        }
        this.appliers = List.copyOf(appliers);
        this.regeneration = new RegenerationLoop(new Target(), appliers);
        List<OrchestratorExtension> found = new ArrayList<>(builder.extensions);
        ServiceLoader.load(OrchestratorExtension.class, builder.classLoader).forEach(found::add);
        this.extensions = List.copyOf(found);
        log.debug("Orchestrator built: {} services, {} repositories, {} contexts",
                registry.names(ComponentKind.SERVICE).size(), registry.names(ComponentKind.REPOSITORY).size(),
                registry.names(ComponentKind.CONTEXT).size());
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

    /** @return a builder for an independent orchestrator */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Builds and starts every service listed in {@code JSORC_CONFIG.pre_loaded_services}, then starts the
     * regeneration loop.
     *
     * @return this
     * @throws IllegalStateException    when already started or closed
     * @throws NoSuchComponentException when a pre-loaded service is not registered
     */
    public Orchestrator start() {
        synchronized (phaseLock) {
            if (phase != Phase.NEW) {
                throw new IllegalStateException("Orchestrator cannot start: it is " + phase
                        + "; start() is allowed once, on a NEW orchestrator");
            }
            phase = Phase.STARTED;
        }
        try {
            Object preLoaded = jsorcConfig().getOrDefault("pre_loaded_services", List.of());
            if (!(preLoaded instanceof List<?> names)) {
                throw new IllegalArgumentException("JSORC_CONFIG.pre_loaded_services must be a list of service "
                        + "names, but is " + preLoaded);
            }
            for (Object name : names) {
                registry.require(ComponentKind.SERVICE, String.valueOf(name));
            }
            for (OrchestratorExtension extension : extensions) {
                extension.beforeStart(this);
            }
            for (Object name : names) {
                svc(String.valueOf(name));
            }
            regeneration.start();
        } catch (RuntimeException | Error e) {
            // Nothing half-started survives: services built so far are discarded.
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new JsOrcException("An orchestrator extension failed at start: " + e, e);
        }
        return this;
    }

    /** @return whether {@link #start()} was called and {@link #close()} was not */
    public boolean isStarted() {
        return phase == Phase.STARTED;
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return phase == Phase.CLOSED;
    }

    /**
     * Stops the regeneration loop, discards every built service (newest first: {@code onDelete}, daemons stopped)
     * and closes persisting contexts that are {@link AutoCloseable}. Afterwards no {@code jsorc-*} thread of this
     * orchestrator is alive. Idempotent.
     */
    @Override
    public void close() {
        synchronized (phaseLock) {
            if (phase == Phase.CLOSED) {
                return;
            }
            phase = Phase.CLOSED;
        }
        regeneration.close();
        for (OrchestratorExtension extension : extensions) {
            try {
                extension.close(this);
            } catch (RuntimeException e) {
                log.warn("Extension {} threw on close", extension, e);
            }
        }
        List<String> order = new ArrayList<>(buildOrder);
        Collections.reverse(order);
        for (String name : slots.keySet()) {
            if (!order.contains(name)) {
                order.add(name);
            }
        }
        for (String name : order) {
            ServiceSlot slot = slots.get(name);
            if (slot == null) {
                continue;
            }
            // Waits for a build in progress; install() sees CLOSED afterwards and discards what it built.
            slot.lock.lock();
            try {
                CommonService<?> service = slot.service;
                slot.service = null;
                if (service != null) {
                    service.delete();
                }
            } finally {
                slot.lock.unlock();
            }
        }
        slots.clear();
        for (String name : new ArrayList<>(persisting.keySet())) {
            closeQuietly(name, persisting.remove(name));
        }
        constructingRepository.remove();
    }

    private void ensureOpen() {
        if (phase == Phase.CLOSED) {
            throw new IllegalStateException("Orchestrator is CLOSED; build a new one");
        }
    }

    // ------------------------------------------------------------------ services

    /**
     * The service singleton, built and started on first use. A service that failed stays cached ({@code FAILED})
     * until refreshed or regenerated.
     *
     * @param name the service name
     * @return the service
     * @throws NoSuchComponentException when no service has that name
     */
    public CommonService<?> svc(String name) {
        ServiceSlot slot = slots.get(name);
        if (slot != null) {
            CommonService<?> service = slot.service;
            if (service != null) {
                return service;
            }
        }
        return svcSlow(name);
    }

    /**
     * @param name the service name
     * @param type the service class (or a supertype)
     * @param <T>  the type
     * @return the service singleton
     * @throws ClassCastException when the service is not a {@code type}
     */
    public <T> T svc(String name, Class<T> type) {
        return typed("Service", name, svc(name), type);
    }

    private CommonService<?> svcSlow(String name) {
        ensureOpen();
        Registration registration = registry.require(ComponentKind.SERVICE, name);
        ServiceSlot slot = slots.computeIfAbsent(name, n -> new ServiceSlot(registration));
        CommonService<?> existing = slot.service;
        if (existing != null) {
            return existing;
        }
        if (registration.proxy() && constructingRepository.get()[0] > 0) {
            return placeholder(slot);
        }
        try {
            slot.lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceNotRunningException("Interrupted while waiting for service '" + name + "' to start");
        }
        try {
            if (slot.service != null) {
                return slot.service;
            }
            if (slot.builder == Thread.currentThread()) {
                if (registration.proxy()) {
                    // Asked for again while it builds (its config read goes through a hook that wants it).
                    return placeholder(slot);
                }
                throw new IllegalStateException("Service '" + name + "' asked for itself while starting "
                        + "(a dependency cycle through svc(\"" + name + "\"))");
            }
            ensureOpen();
            return install(slot, build(registration));
        } finally {
            slot.lock.unlock();
        }
    }

    /** Builds into the slot; the caller holds the slot's lock. */
    private CommonService<?> install(ServiceSlot slot, Supplier<CommonService<?>> builder) {
        slot.builder = Thread.currentThread();
        try {
            CommonService<?> service = builder.get();
            if (phase == Phase.CLOSED) {
                service.delete();
                throw new IllegalStateException("Orchestrator closed while service '" + slot.registration.name()
                        + "' was starting; it was discarded");
            }
            slot.service = service;
            if (!buildOrder.contains(slot.registration.name())) {
                buildOrder.add(slot.registration.name());
            }
            return service;
        } finally {
            slot.builder = null;
        }
    }

    private Supplier<CommonService<?>> build(Registration registration) {
        return () -> {
            String name = registration.name();
            CommonService<?> service = (CommonService<?>) Instantiator.create(() -> "service '" + name + "'",
                    registration.type());
            Map<String, Object> config;
            Manifest manifest;
            try {
                config = configStore.read(registration.configKey()).orElse(null);
                manifest = registration.manifest().map(configStore::manifest).orElse(Manifest.empty());
            } catch (RuntimeException e) {
                // Cached as FAILED rather than lost. Its flags are unknown, so it is treated as enabled and
                // automated: the regeneration loop retries until the config can be read (the hook may be back).
                bind(service, name, Map.of("enabled", true, "automated", true), Manifest.empty());
                service.failBeforeStart(new JsOrcException("Config of service '" + name + "' cannot be read: "
                        + e.getMessage(), e));
                return service;
            }
            bind(service, name, config, manifest);
            service.start();
            return service;
        };
    }

    private void bind(CommonService<?> service, String name, Map<String, Object> config, Manifest manifest) {
        service.bind(name, config, manifest, this,
                (s, from, to, error) -> onTransition(s, from, to, error),
                this::onFailure);
    }

    private void onFailure(CommonService<?> instance) {
        if (!instance.isDeleted() && phase != Phase.CLOSED) {
            regeneration.serviceFailed(instance.name());
        }
    }

    private CommonService<?> placeholder(ServiceSlot slot) {
        CommonService<?> placeholder = slot.placeholder;
        if (placeholder == null) {
            synchronized (slot.registration) {
                placeholder = slot.placeholder;
                if (placeholder == null) {
                    placeholder = (CommonService<?>) Instantiator.create(
                            () -> "placeholder of service '" + slot.registration.name() + "'", slot.registration.type());
                    placeholder.bind(slot.registration.name(), null, Manifest.empty(), this, (s, f, t, e) -> { },
                            failed -> { });
                    slot.placeholder = placeholder;
                }
            }
        }
        return placeholder;
    }

    private void onTransition(String name, ServiceState from, ServiceState to, Throwable error) {
        for (ServiceListener listener : listeners) {
            try {
                listener.onTransition(name, from, to, error);
            } catch (RuntimeException e) {
                log.warn("Service listener {} threw on {} -> {} of '{}'", listener, from, to, name, e);
            }
        }
    }

    /**
     * Discards the cached service ({@code onDelete} runs, its daemons stop) and builds and starts a fresh one from
     * the current config.
     *
     * @param name the service name
     * @return the fresh service
     * @throws NoSuchComponentException when no service has that name
     */
    public CommonService<?> serviceRefresh(String name) {
        ensureOpen();
        Registration registration = registry.require(ComponentKind.SERVICE, name);
        ServiceSlot slot = slots.computeIfAbsent(name, n -> new ServiceSlot(registration));
        slot.lock.lock();
        try {
            if (slot.builder == Thread.currentThread()) {
                throw new IllegalStateException("Service '" + name + "' cannot be refreshed from its own start");
            }
            CommonService<?> old = slot.service;
            slot.service = null;
            if (old != null) {
                old.delete();
            }
            ensureOpen();
            return install(slot, build(registration));
        } finally {
            slot.lock.unlock();
        }
    }

    /**
     * Marks the service {@code RESTART} and queues it: the regeneration loop re-applies its manifest and rebuilds it
     * at once, even when it is not automated.
     *
     * @param name the service name
     * @throws NoSuchComponentException when no service has that name
     */
    public void requestRestart(String name) {
        ensureOpen();
        registry.require(ComponentKind.SERVICE, name);
        ServiceSlot slot = slots.get(name);
        CommonService<?> service = slot == null ? null : slot.service;
        if (service != null) {
            service.markRestart();
        }
        regeneration.restartRequested(name);
    }

    /** @return a snapshot of every built service, by name */
    public List<ServiceInfo> status() {
        List<ServiceInfo> out = new ArrayList<>();
        for (String name : new TreeSet<>(slots.keySet())) {
            CommonService<?> service = slots.get(name) == null ? null : slots.get(name).service;
            if (service != null) {
                out.add(service.info());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ repositories and contexts

    /**
     * @param name the repository name
     * @return a new instance of the winning repository class
     * @throws NoSuchComponentException when no repository has that name
     */
    public Object src(String name) {
        ensureOpen();
        Registration registration = registry.require(ComponentKind.REPOSITORY, name);
        int[] depth = constructingRepository.get();
        depth[0]++;
        try {
            return attach(Instantiator.create(() -> "repository '" + name + "'", registration.type()));
        } finally {
            depth[0]--;
        }
    }

    /**
     * @param name the repository name
     * @param type the expected type
     * @param <T>  the type
     * @return a new instance
     */
    public <T> T src(String name, Class<T> type) {
        return typed("Repository", name, src(name), type);
    }

    /** @return the config store's hook: {@code src("hook")} typed */
    public Hook hook() {
        return src("hook", Hook.class);
    }

    /**
     * @param name the context name
     * @param args constructor arguments; they select the one public constructor that accepts them
     * @return a new instance
     * @throws NoSuchComponentException when no context has that name
     * @throws IllegalArgumentException when no constructor, or more than one, accepts the arguments
     */
    public Object ctx(String name, Object... args) {
        ensureOpen();
        Registration registration = registry.require(ComponentKind.CONTEXT, name);
        return attach(Instantiator.create(() -> "context '" + name + "'", registration.type(),
                args == null ? new Object[]{null} : args));
    }

    /**
     * @param name the context name
     * @param type the expected type
     * @param args constructor arguments
     * @param <T>  the type
     * @return a new instance
     */
    public <T> T ctx(String name, Class<T> type, Object... args) {
        return typed("Context", name, ctx(name, args), type);
    }

    /**
     * @param name the context name
     * @return the persisting instance, created (no-arg constructor) on first call
     */
    public Object get(String name) {
        Object existing = persisting.get(name);
        if (existing != null) {
            return existing;
        }
        ensureOpen();
        registry.require(ComponentKind.CONTEXT, name);
        synchronized (persistingLocks.computeIfAbsent(name, n -> new Object())) {
            existing = persisting.get(name);
            if (existing == null) {
                existing = ctx(name);
                persisting.put(name, existing);
            }
            return existing;
        }
    }

    /**
     * @param name the context name
     * @param type the expected type
     * @param <T>  the type
     * @return the persisting instance
     */
    public <T> T get(String name, Class<T> type) {
        return typed("Context", name, get(name), type);
    }

    /**
     * Drops the persisting instance (closing it when it is {@link AutoCloseable}); nothing happens when there is
     * none.
     *
     * @param name the context name
     * @throws NoSuchComponentException when no context has that name
     */
    public void destroy(String name) {
        registry.require(ComponentKind.CONTEXT, name);
        synchronized (persistingLocks.computeIfAbsent(name, n -> new Object())) {
            closeQuietly(name, persisting.remove(name));
        }
    }

    /**
     * @param name the context name
     * @return a new persisting instance, after destroying the old one
     */
    public Object renew(String name) {
        registry.require(ComponentKind.CONTEXT, name);
        synchronized (persistingLocks.computeIfAbsent(name, n -> new Object())) {
            destroy(name);
            return get(name);
        }
    }

    /**
     * @param name the context name
     * @param type the expected type
     * @param <T>  the type
     * @return a new persisting instance
     */
    public <T> T renew(String name, Class<T> type) {
        return typed("Context", name, renew(name), type);
    }

    /** @return the action manager: the persisting context {@code action_manager} */
    public io.jsorc.action.ActionManager actions() {
        return get("action_manager", io.jsorc.action.ActionManager.class);
    }

    /**
     * Fills the fields of {@code target} annotated {@link io.jsorc.inject.Svc}, {@link io.jsorc.inject.Src},
     * {@link io.jsorc.inject.Ctx}.
     *
     * @param target the object
     * @param <T>    its type
     * @return the target
     */
    public <T> T inject(T target) {
        return Injector.inject(target, this);
    }

    private Object attach(Object instance) {
        if (instance instanceof OrchestratorAware aware) {
            aware.attach(this);
        }
        return instance;
    }

    private static void closeQuietly(String name, Object instance) {
        if (instance instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("Closing persisting context '{}' threw", name, e);
            }
        }
    }

    private static <T> T typed(String kind, String name, Object value, Class<T> type) {
        if (!type.isInstance(value)) {
            throw new ClassCastException(kind + " '" + name + "' is a " + value.getClass().getName() + ", not a "
                    + type.getName());
        }
        return type.cast(value);
    }

    /**
     * @param key  identifies the state, as given to {@link #shared(Object, Supplier)}
     * @param type its type
     * @param <T>  its type
     * @return the state, when some component created it already (nothing is created here)
     */
    public <T> Optional<T> sharedIfPresent(Object key, Class<T> type) {
        return Optional.ofNullable(shared.get(key)).map(type::cast);
    }

    /**
     * State shared by the components of this orchestrator (a repository's storage, say), created on first use.
     *
     * @param key     identifies the state (a class is a good key)
     * @param factory creates it
     * @param <T>     its type
     * @return the state
     */
    @SuppressWarnings("unchecked")
    public <T> T shared(Object key, Supplier<? extends T> factory) {
        Object existing = shared.get(key);
        if (existing != null) {
            return (T) existing;
        }
        // Not computeIfAbsent: a factory may create shared state of its own (nested), which the map forbids.
        synchronized (shared) {
            existing = shared.get(key);
            if (existing == null) {
                existing = Objects.requireNonNull(factory.get(), "shared state factory returned null");
                shared.put(key, existing);
            }
            return (T) existing;
        }
    }

    // ------------------------------------------------------------------ listeners and regeneration

    /** @param listener told every state transition of every service */
    public void addListener(ServiceListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** @param listener a listener added before */
    public void removeListener(ServiceListener listener) {
        listeners.remove(listener);
    }

    /**
     * Runs one regeneration cycle now, in the calling thread, ignoring backoff windows.
     *
     * @return what it did, per service
     */
    public RegenerationReport regenerate() {
        ensureOpen();
        return regeneration.runCycle();
    }

    /** @return the regeneration loop (for inspection) */
    public RegenerationLoop regeneration() {
        return regeneration;
    }

    /** @return the registry */
    public Registry registry() {
        return registry;
    }

    /** @return the config store */
    public ConfigStore configStore() {
        return configStore;
    }

    Map<String, Object> jsorcConfig() {
        return configStore.read(ConfigStore.JSORC_CONFIG).orElse(Map.of());
    }

    // ------------------------------------------------------------------ manifests

    /**
     * Replaces a service's manifest: every document is validated (the YAML parses; {@code apiVersion}, {@code kind}
     * and {@code metadata.name} are present), then the manifest is stored under the service's manifest key, the
     * service is marked {@code RESTART} and the regeneration loop re-applies it and rebuilds the service.
     *
     * @param service          the service name
     * @param yaml             multi-document YAML
     * @param unsafeParaphrase the phrase that allows deleting data-holding resources, or {@code null}
     * @throws IllegalArgumentException naming the document and the field when the YAML is invalid, or when the
     *                                  service declares no manifest key; nothing is stored then
     */
    public void applyYaml(String service, String yaml, String unsafeParaphrase) {
        Registration registration = registry.require(ComponentKind.SERVICE, service);
        String key = registration.manifest().orElseThrow(() -> new IllegalArgumentException("Service '" + service
                + "' declares no manifest key (@Service(manifest = ...)); it cannot take a manifest"));
        Manifest manifest = validatedManifest(yaml).withUnsafeParaphrase(unsafeParaphrase);
        configStore.set(key, manifest.toJson());
        requestRestart(service);
    }

    /**
     * Applies resources that belong to no service, through the {@link ManifestApplier} that loads free-standing
     * resources (the kube module's).
     *
     * @param yaml      multi-document YAML
     * @param namespace the namespace for namespaced resources
     * @return what was done, per resource
     * @throws IllegalArgumentException naming the document and the field when the YAML is invalid
     * @throws IllegalStateException    when no applier on the classpath loads free-standing resources
     */
    public ApplyReport loadYaml(String yaml, String namespace) {
        ensureOpen();
        Manifest manifest = validatedManifest(yaml);
        for (ManifestApplier applier : appliers) {
            try {
                return applier.load(manifest, namespace, this);
            } catch (UnsupportedOperationException e) {
                log.debug("{} does not load free-standing resources", applier);
            }
        }
        throw new IllegalStateException("loadYaml needs a ManifestApplier that loads resources (add jsorc-kube); "
                + "appliers found: " + appliers);
    }

    /**
     * Reads a cluster secret through the {@link ManifestApplier} that reads secrets (the kube module's).
     *
     * @param namespace the namespace, or {@code null} for the kube service's
     * @param name      the secret's name
     * @return its entries, decoded; empty when there is no such secret
     * @throws IllegalStateException when no applier on the classpath reads secrets, or the cluster could not be asked
     */
    public Optional<Map<String, byte[]>> readSecret(String namespace, String name) {
        ensureOpen();
        Objects.requireNonNull(name, "name");
        for (ManifestApplier applier : appliers) {
            try {
                return applier.readSecret(namespace, name, this);
            } catch (UnsupportedOperationException e) {
                log.debug("{} does not read secrets", applier);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while reading secret " + name, e);
            } catch (Exception e) {
                throw new IllegalStateException("Could not read secret " + name + " in namespace "
                        + (namespace == null ? "(default)" : namespace) + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("Reading secret " + name + " needs a ManifestApplier that reads secrets "
                + "(add jsorc-kube); appliers found: " + appliers);
    }

    private static Manifest validatedManifest(String yaml) {
        if (yaml == null || yaml.isBlank()) {
            throw new IllegalArgumentException("The manifest YAML is empty");
        }
        Manifest manifest = Manifest.parseYaml(yaml);
        int index = 0;
        for (Object document : new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
                new org.yaml.snakeyaml.LoaderOptions())).loadAll(yaml)) {
            index++;
            if (document instanceof Map<?, ?> map && !(map.get("apiVersion") instanceof String)) {
                throw new IllegalArgumentException("Manifest document #" + index + " (kind " + map.get("kind")
                        + ") has no apiVersion");
            }
        }
        if (manifest.isEmpty()) {
            throw new IllegalArgumentException("The manifest YAML holds no document");
        }
        return manifest;
    }

    // ------------------------------------------------------------------ config facade

    /**
     * @param name a config or manifest key
     * @return its JSON (the stored value, else the default, which is stored now)
     */
    public String configGet(String name) {
        return configStore.get(name);
    }

    /**
     * @param name a config or manifest key
     * @param json a JSON object
     */
    public void configSet(String name, String json) {
        configStore.set(name, json);
    }

    /**
     * @param name      a config key
     * @param field     an existing field
     * @param jsonValue its new value as JSON
     */
    public void configUpdate(String name, String field, String jsonValue) {
        configStore.update(name, field, jsonValue);
    }

    /** @param name a config or manifest key; its stored value is removed */
    public void configDelete(String name) {
        configStore.delete(name);
    }

    /** @return the known keys that have a value */
    public Set<String> configList() {
        return configStore.list();
    }

    /**
     * @param name a config or manifest key
     * @return whether it has a value (stored or default)
     */
    public boolean configExists(String name) {
        return configStore.exists(name);
    }

    /**
     * Sets a service's config, then refreshes the service.
     *
     * @param serviceName the service name
     * @param json        its new config (a JSON object)
     * @return the refreshed service
     */
    public CommonService<?> serviceConfigSet(String serviceName, String json) {
        Registration registration = registry.require(ComponentKind.SERVICE, serviceName);
        configStore.set(registration.configKey(), json);
        return serviceRefresh(serviceName);
    }

    @Override
    public String toString() {
        return "Orchestrator[" + phase + ", services " + registry.names(ComponentKind.SERVICE) + "]";
    }

    /** The orchestrator side of the regeneration loop. */
    private final class Target implements RegenerationTarget {

        @Override
        public Set<String> builtServices() {
            return new LinkedHashSet<>(buildOrder);
        }

        @Override
        public CommonService<?> current(String service) {
            ServiceSlot slot = slots.get(service);
            if (slot == null) {
                return null;
            }
            CommonService<?> current = slot.service;
            if (current != null) {
                return current;
            }
            // Being built right now: wait for it rather than forget it.
            slot.lock.lock();
            try {
                return slot.service;
            } finally {
                slot.lock.unlock();
            }
        }

        @Override
        public CommonService<?> refresh(String service) {
            return serviceRefresh(service);
        }

        @Override
        public Manifest manifest(String service) {
            return registry.require(ComponentKind.SERVICE, service).manifest()
                    .map(configStore::manifest).orElse(Manifest.empty());
        }

        @Override
        public Map<String, Object> jsorcConfig() {
            return Orchestrator.this.jsorcConfig();
        }

        @Override
        public Orchestrator orchestrator() {
            return Orchestrator.this;
        }
    }

    /** Builds an {@link Orchestrator}. Not thread-safe. */
    public static final class Builder {

        private List<String> scanPackages;
        private final List<Class<?>> classes = new ArrayList<>();
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private final Set<String> configKeys = new LinkedHashSet<>();
        private final List<ServiceListener> listeners = new ArrayList<>();
        private List<ManifestApplier> appliers;
        private final List<OrchestratorExtension> extensions = new ArrayList<>();
        private ClassLoader classLoader = defaultClassLoader();
        private Placeholders placeholders = Placeholders.fromEnvironment();
        private boolean useIndex = !"false".equalsIgnoreCase(System.getProperty("jsorc.index"));

        private Builder() {
        }

        /**
         * Narrows the classpath scan to these packages (and sub-packages); with no argument nothing is scanned.
         * Without this call the system property {@code jsorc.scan.packages} (comma separated) decides, and without
         * that the whole classpath is scanned. JsOrc's own components are registered either way.
         *
         * @param packages package names
         * @return this
         */
        public Builder scanPackages(String... packages) {
            this.scanPackages = List.copyOf(Arrays.asList(packages));
            return this;
        }

        /**
         * Whether a compile-time component index ({@code META-INF/jsorc/index}), where present, replaces the
         * classpath scan. Default true, or the system property {@code jsorc.index}.
         *
         * @param enabled use the index
         * @return this
         */
        public Builder useIndex(boolean enabled) {
            this.useIndex = enabled;
            return this;
        }

        /**
         * @param types annotated classes to register in addition to the scan
         * @return this
         */
        public Builder register(Class<?>... types) {
            classes.addAll(Arrays.asList(types));
            return this;
        }

        /**
         * Overrides the default of a config or manifest key (it still yields to a value stored in the hook).
         *
         * @param key  the key
         * @param json a JSON object
         * @return this
         */
        public Builder config(String key, String json) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(json, "json"));
            return this;
        }

        /**
         * Declares config keys that belong to no service, so the config API accepts them.
         *
         * @param keys the keys
         * @return this
         */
        public Builder declareConfigKey(String... keys) {
            configKeys.addAll(Arrays.asList(keys));
            return this;
        }

        /**
         * @param listener told every state transition
         * @return this
         */
        public Builder listener(ServiceListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Replaces the {@link ManifestApplier}s found with {@link ServiceLoader}.
         *
         * @param manifestAppliers the appliers (none: the manifest step is skipped)
         * @return this
         */
        public Builder manifestAppliers(ManifestApplier... manifestAppliers) {
            this.appliers = List.of(manifestAppliers);
            return this;
        }

        /**
         * Adds an extension in addition to those found with {@link ServiceLoader}.
         *
         * @param extension the extension
         * @return this
         */
        public Builder extension(OrchestratorExtension extension) {
            extensions.add(Objects.requireNonNull(extension, "extension"));
            return this;
        }

        /**
         * @param loader where classes, built-in lists and default resources come from
         * @return this
         */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = Objects.requireNonNull(loader, "loader");
            return this;
        }

        /**
         * @param resolver how {@code ${NAME:fallback}} in defaults is resolved (default: environment, then system
         *                 properties)
         * @return this
         */
        public Builder placeholders(Placeholders resolver) {
            this.placeholders = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Scans, validates and resolves the registry.
         *
         * @return a new orchestrator, not yet started
         * @throws AmbiguousRegistrationException when two classes win a name with the same priority
         * @throws InvalidComponentException      when a class breaks its annotation's rules
         * @throws IllegalArgumentException       when an override names an unknown key or is not a JSON object
         */
        public Orchestrator build() {
            return new Orchestrator(this);
        }

        private static ClassLoader defaultClassLoader() {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            return context != null ? context : Orchestrator.class.getClassLoader();
        }
    }
}
