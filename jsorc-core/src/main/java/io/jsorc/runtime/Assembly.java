package io.jsorc.runtime;

import io.jsorc.CommonService;
import io.jsorc.ComponentContext;
import io.jsorc.Context;
import io.jsorc.JsOrcException;
import io.jsorc.operate.OperatorContext;
import io.jsorc.OrchestratorExtension;
import io.jsorc.Repository;
import io.jsorc.Service;
import io.jsorc.ServiceInfo;
import io.jsorc.ServiceListener;
import io.jsorc.base.ClassPreloader;
import io.jsorc.base.Json;
import io.jsorc.cluster.LeaderElection;
import io.jsorc.cluster.Leadership;
import io.jsorc.cluster.ManifestApplier;
import io.jsorc.cluster.ManifestDemand;
import io.jsorc.cluster.ManifestGateway;
import io.jsorc.component.ContextScope;
import io.jsorc.config.ConfigStore;
import io.jsorc.config.Hook;
import io.jsorc.metrics.MetricsEvents;
import io.jsorc.registry.ComponentKind;
import io.jsorc.registry.Registration;
import io.jsorc.registry.Registry;
import io.jsorc.regen.RegenerationLoop;
import io.jsorc.service.ServiceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The parts of one orchestrator, built and wired: registry, config store, service table, component scope, manifest
 * gateway, regeneration loop and extensions. It is the {@link ComponentContext} every component receives, and it
 * runs the orchestrator's start and close; the {@code Orchestrator} facade only delegates to it.
 */
public final class Assembly implements ComponentContext {

    /** System property that pins the config store outside the store itself: {@code memory} or {@code redis}. */
    public static final String HOOK_PROPERTY = "jsorc.hook";

    private static final Logger log = LoggerFactory.getLogger(Assembly.class);

    private final Registry registry;
    private final ConfigStore configStore;
    private final ContextScope scope;
    private final ServiceTable services;
    private final ManifestGateway manifests;
    private final Leadership leadership;
    private final RegenerationLoop regeneration;
    private final List<OrchestratorExtension> extensions;
    private final ClassPreloader preloader;
    private final AssemblyPhase phase = new AssemblyPhase();

    /**
     * Scans and resolves the registry and wires the parts; nothing is started.
     *
     * @param settings what the builder collected
     */
    public Assembly(AssemblySettings settings) {
        this(settings, false);
    }

    /**
     * Scans and resolves the registry and wires the parts; nothing is started yet.
     *
     * @param settings     what the builder collected
     * @param startFollows whether {@link #start()} is called as soon as the build returns: then the start's classes
     *                     are loaded beside the build already
     */
    public Assembly(AssemblySettings settings, boolean startFollows) {
        // A second thread loads the classes the build (and, once a start is known to come, the start) will need
        // while this one works. A build that is never started does not pay for the start's.
        this.preloader = ClassPreloader.start(settings.classLoader());
        if (startFollows) {
            preloader.started();
        }
        try {
            this.registry = RegistryLoading.build(settings, preloader);
            Set<String> configKeys = new LinkedHashSet<>();
            Set<String> manifestKeys = new LinkedHashSet<>();
            for (Registration service : registry.all(ComponentKind.SERVICE)) {
                configKeys.add(service.configKey());
                service.manifest().ifPresent(manifestKeys::add);
            }
            this.scope = new ContextScope(registry);
            scope.attachContext(this);
            Hook givenBackend = settings.hook();
            this.configStore = new ConfigStore(() -> resolveBackend(givenBackend), configKeys, manifestKeys,
                    settings.configKeys(), settings.overrides(), settings.classLoader(), settings.placeholders());
            // Published as shared state: components that keep entries of their own use this store's backend
            // (ConfigStore.hookOf), the one a builder or -Djsorc.hook pinned, not whichever hook repository wins.
            scope.shared(ConfigStore.class, () -> configStore);
            List<ManifestApplier> appliers = settings.appliers();
            if (appliers == null) {
                appliers = new ArrayList<>();
                ServiceLoader.load(ManifestApplier.class, settings.classLoader()).forEach(appliers::add);
            }
            List<LeaderElection> electionBackends = settings.elections();
            if (electionBackends == null) {
                electionBackends = new ArrayList<>();
                ServiceLoader.load(LeaderElection.class, settings.classLoader()).forEach(electionBackends::add);
            }
            this.leadership = new Leadership(this, this::jsorcConfig, electionBackends, System::getenv);
            // Published as shared state: modules ask Leadership.of(context) before writing to the cluster.
            scope.shared(Leadership.class, () -> leadership);
            this.manifests = new ManifestGateway(registry, configStore, this, appliers, this::requestRestart,
                    leadership);
            this.services = new ServiceTable(registry, configStore, scope, this, manifests::applyContext);
            settings.listeners().forEach(services::addListener);
            // Followers record there which manifests they wait for; only a replica in an election is ever one.
            ManifestDemand demand = new ManifestDemand(configStore::hook,
                    () -> leadership.identity().orElse("replica-" + ProcessHandle.current().pid()),
                    System::currentTimeMillis);
            this.regeneration = new RegenerationLoop(services, appliers, leadership, demand);
            leadership.addListener(regeneration::leadershipChanged);
            services.attachRegeneration(regeneration);
            regeneration.addObserver(entry -> MetricsEvents.of(this).regenerated(new MetricsEvents.Regenerated(
                    entry.service(), entry.action().name(), entry.state(), entry.duration(), entry.detail())));
            List<OrchestratorExtension> found = new ArrayList<>(settings.extensions());
            ServiceLoader.load(OrchestratorExtension.class, settings.classLoader()).forEach(found::add);
            this.extensions = List.copyOf(found);
            // Published as shared state: the admin module finds it with OperatorContext.of(context).
            OperatorContext operator = new OperatorConsole(this);
            scope.shared(OperatorContext.class, () -> operator);
        } catch (RuntimeException | Error e) {
            preloader.close(); // nothing of a failed build keeps running
            throw e;
        }
        log.debug("Orchestrator built: {} services, {} repositories, {} contexts",
                registry.names(ComponentKind.SERVICE).size(), registry.names(ComponentKind.REPOSITORY).size(),
                registry.names(ComponentKind.CONTEXT).size());
    }

    /**
     * Creates the config store's backend, once ({@link ConfigBackend} chooses it), and says in one INFO line where
     * config lives.
     */
    private Hook resolveBackend(Hook given) {
        Hook backend = ConfigBackend.choose(given, this, scope);
        backend.addChangeListener(key -> services.restartOwnersOf(key));
        log.info("Config store: {}", backend.describe());
        return backend;
    }

    /**
     * Runs the extensions, builds and starts the pre-loaded services, then starts the regeneration loop. On any
     * failure everything built so far is closed and the failure is rethrown.
     */
    public void start() {
        phase.start(this::startSteps);
    }

    private void startSteps() {
        try {
            preloader.started();
            Object preLoaded = jsorcConfig().getOrDefault("pre_loaded_services", List.of());
            if (!(preLoaded instanceof List<?> names)) {
                throw new IllegalArgumentException("JSORC_CONFIG.pre_loaded_services must be a list of service "
                        + "names, but is " + preLoaded);
            }
            for (Object name : names) {
                registry.require(ComponentKind.SERVICE, String.valueOf(name));
            }
            // Before the extensions: database regeneration at start is the leader's to do.
            leadership.start();
            // Each step re-checks: a component may close the orchestrator from this very thread meanwhile.
            for (OrchestratorExtension extension : extensions) {
                ensureOpen();
                extension.beforeStart(this);
            }
            for (Object name : names) {
                svc(String.valueOf(name));
            }
            ensureOpen();
            regeneration.start();
        } catch (RuntimeException | Error e) {
            // Nothing half-started survives: services built so far are discarded.
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new JsOrcException("An orchestrator extension failed at start: " + e, e);
        }
    }

    /**
     * Stops the loop, closes the extensions and the persisting contexts, releases the leader lease, and discards
     * every service (newest first). Waits for a start under way on another thread first (a close beside it would
     * close what the start goes on to use), up to 10 s ({@link AssemblyPhase}). Idempotent.
     */
    public void close() {
        // Beside a start that hangs, its build is not waited for twice: the services close without it.
        phase.close(waited -> closeParts(waited ? ServiceTable.CLOSE_WAITS_FOR_BUILDS : java.time.Duration.ZERO));
    }

    private void closeParts(java.time.Duration waitForBuilds) {
        preloader.close();
        regeneration.close();
        for (OrchestratorExtension extension : extensions) {
            try {
                extension.close(this);
            } catch (RuntimeException e) {
                log.warn("Extension {} threw on close", extension, e);
            }
        }
        // Persisting contexts before the services they use: the action manager retires its remote servers through
        // the kube service, and a leader's retire deletes them while it still holds the lease.
        scope.close();
        // Released once nothing writes any more, and while the services it needs (the kube service) still run.
        leadership.close();
        services.close(waitForBuilds);
        configStore.close();
    }

    /**
     * Throws when the orchestrator is closed.
     *
     * @throws IllegalStateException when closed
     */
    public void ensureOpen() {
        phase.ensureOpen();
    }

    /** {@return {@code NEW}, {@code STARTED} or {@code CLOSED}} */
    public String phase() {
        return phase.toString();
    }


    /** {@return the registry} */
    public Registry registry() {
        return registry;
    }

    /** {@return the config store} */
    public ConfigStore configStore() {
        return configStore;
    }

    /** {@return the service table} */
    public ServiceTable services() {
        return services;
    }

    /** {@return the scope of repositories and contexts} */
    public ContextScope scope() {
        return scope;
    }

    /** {@return the manifest gateway} */
    public ManifestGateway manifests() {
        return manifests;
    }

    /** {@return whether this replica writes to the cluster (leader election)} */
    public Leadership leadership() {
        return leadership;
    }

    /** {@return the regeneration loop} */
    public RegenerationLoop regeneration() {
        return regeneration;
    }

    /**
     * Reads {@code JSORC_CONFIG}.
     *
     * @return its value, or an empty map
     */
    public Map<String, Object> jsorcConfig() {
        return configStore.read(ConfigStore.JSORC_CONFIG).orElse(Map.of());
    }


    /**
     * Stores a service's new config: the given fields merged over the service's default.
     *
     * @param service the service name
     * @param json    fields of its config (a JSON object)
     */
    public void serviceConfigSet(String service, String json) {
        serviceConfigSet(service, json, io.jsorc.config.Durability.BEST_EFFORT);
    }

    /**
     * Stores a service's new config: the given fields merged over the service's default.
     *
     * @param service    the service name
     * @param json       fields of its config (a JSON object)
     * @param durability {@code REQUIRED}: throws when the store did not keep it (the admin API's writes)
     */
    public void serviceConfigSet(String service, String json, io.jsorc.config.Durability durability) {
        String key = registry.require(ComponentKind.SERVICE, service).configKey();
        Map<String, Object> given = Json.parseObject(json, "config of service '" + service + "'");
        // Over the stored form of the default: secret placeholders stay placeholders, never their values.
        configStore.set(key, Json.write(configStore.mergedOverDefault(key, given)), durability);
    }

    @Override
    public CommonService<?> svc(String name) {
        return services.svc(name);
    }

    @Override
    public <T> T svc(String name, Class<T> type) {
        return ContextScope.typed("Service", name, services.svc(name), type);
    }

    @Override
    public Object src(String name) {
        ensureOpen();
        return scope.src(name);
    }

    @Override
    public <T> T src(String name, Class<T> type) {
        return ContextScope.typedNew("Repository", name, src(name), type);
    }

    @Override
    public Object ctx(String name, Object... args) {
        ensureOpen();
        return scope.ctx(name, args);
    }

    @Override
    public <T> T ctx(String name, Class<T> type, Object... args) {
        return ContextScope.typedNew("Context", name, ctx(name, args), type);
    }

    @Override
    public Object get(String name) {
        phase.ensureOpen();
        return scope.get(name);
    }

    @Override
    public <T> T get(String name, Class<T> type) {
        return ContextScope.typed("Context", name, get(name), type);
    }

    @Override
    public <T> T shared(Object key, Supplier<? extends T> factory) {
        return scope.shared(key, factory);
    }

    @Override
    public <T> Optional<T> sharedIfPresent(Object key, Class<T> type) {
        return scope.sharedIfPresent(key, type);
    }

    @Override
    public Optional<Map<String, Object>> config(String key) {
        return configStore.read(key);
    }

    @Override
    public Optional<Map<String, Object>> defaultConfig(String key) {
        return configStore.defaultValue(key);
    }

    @Override
    public Map<String, Class<?>> components(Class<? extends Annotation> kind) {
        ComponentKind componentKind;
        if (kind == Service.class) {
            componentKind = ComponentKind.SERVICE;
        } else if (kind == Repository.class) {
            componentKind = ComponentKind.REPOSITORY;
        } else if (kind == Context.class) {
            componentKind = ComponentKind.CONTEXT;
        } else {
            throw new IllegalArgumentException("No component kind " + kind + "; allowed: Service, Repository, Context");
        }
        Map<String, Class<?>> out = new TreeMap<>();
        for (Registration registration : registry.all(componentKind)) {
            out.put(registration.name(), registration.type());
        }
        return out;
    }

    @Override
    public List<ServiceInfo> status() {
        return services.status();
    }

    @Override
    public void requestRestart(String service) {
        ensureOpen();
        services.requestRestart(service);
    }

    @Override
    public void addListener(ServiceListener listener) {
        services.addListener(listener);
    }

    @Override
    public void removeListener(ServiceListener listener) {
        services.removeListener(listener);
    }

    @Override
    public boolean isStarted() {
        return phase.isStarted();
    }

    @Override
    public boolean isClosed() {
        return phase.isClosed();
    }

    @Override
    public boolean leads() {
        return leadership.isLeader();
    }

    @Override
    public int pendingConfigWrites() {
        return configStore.pendingCount();
    }

    @Override
    public Optional<Map<String, byte[]>> readSecret(String namespace, String name) {
        ensureOpen();
        return manifests.readSecret(namespace, name);
    }
}
