package io.jsorc.service;

import io.jsorc.CommonService;
import io.jsorc.ComponentContext;
import io.jsorc.JsOrcException;
import io.jsorc.ServiceControl;
import io.jsorc.ServiceInfo;
import io.jsorc.ServiceListener;
import io.jsorc.ServiceNotRunningException;
import io.jsorc.ServiceState;
import io.jsorc.cluster.ApplyContext;
import io.jsorc.component.ConstructionChain;
import io.jsorc.component.ContextScope;
import io.jsorc.component.Instantiator;
import io.jsorc.config.ConfigStore;
import io.jsorc.inject.Injector;
import io.jsorc.manifest.Manifest;
import io.jsorc.registry.ComponentKind;
import io.jsorc.registry.Registration;
import io.jsorc.registry.Registry;
import io.jsorc.regen.RegenerationLoop;
import io.jsorc.regen.RegenerationTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The service singletons of one orchestrator: one slot per service name, built and started on first use, refreshed
 * and discarded here, watched by listeners. It is the side of the orchestrator the regeneration loop works on.
 *
 * <p>Thread-safe. Looking up a running service takes no lock and allocates nothing; concurrent first lookups build
 * and start the service exactly once. A service that failed stays cached ({@code FAILED}) until it is refreshed.
 */
public final class ServiceTable implements RegenerationTarget {

    private static final Logger log = LoggerFactory.getLogger(ServiceTable.class);
    /** How long {@link #close()} waits, in all, for builds under way. */
    public static final java.time.Duration CLOSE_WAITS_FOR_BUILDS = java.time.Duration.ofSeconds(10);

    private final Registry registry;
    private final ConfigStore configStore;
    private final ContextScope scope;
    private final ComponentContext components;
    private final Function<String, ApplyContext> applyContexts;
    private final ConcurrentHashMap<String, ServiceSlot> slots = new ConcurrentHashMap<>();
    private final List<String> buildOrder = new CopyOnWriteArrayList<>();
    private final List<ServiceListener> listeners = new CopyOnWriteArrayList<>();
    private volatile RegenerationLoop regeneration;
    private volatile boolean closed;
    private final BuildWaits buildWaits = new BuildWaits();

    /**
     * Creates the table of one orchestrator.
     *
     * @param registry      where service classes are registered
     * @param configStore   where their config and manifests are read
     * @param scope         the orchestrator's other components (the {@code proxy} rule asks it)
     * @param components    the context each service reaches other components through
     * @param applyContexts what a manifest applier gets, per service
     */
    public ServiceTable(Registry registry, ConfigStore configStore, ContextScope scope, ComponentContext components,
                        Function<String, ApplyContext> applyContexts) {
        this.registry = registry;
        this.configStore = configStore;
        this.scope = scope;
        this.components = components;
        this.applyContexts = applyContexts;
    }

    /**
     * Connects the loop that rebuilds failed services; called once, while the orchestrator is wired.
     *
     * @param loop the orchestrator's regeneration loop
     */
    public void attachRegeneration(RegenerationLoop loop) {
        this.regeneration = Objects.requireNonNull(loop, "loop");
    }

    /**
     * Returns the service singleton, built and started on first use.
     *
     * @param name the service name
     * @return the service
     */
    public CommonService<?> svc(String name) {
        ServiceSlot slot = slots.get(name);
        if (slot != null) {
            CommonService<?> service = slot.service;
            if (service != null) {
                return service;
            }
        }
        return buildOnFirstUse(name);
    }

    private CommonService<?> buildOnFirstUse(String name) {
        ensureOpen();
        Registration registration = registry.require(ComponentKind.SERVICE, name);
        ServiceSlot slot = slots.computeIfAbsent(name, n -> new ServiceSlot(registration));
        CommonService<?> existing = slot.service;
        if (existing != null) {
            return existing;
        }
        if (registration.proxy() && scope.constructingRepository()) {
            return proxyStandIn(slot);
        }
        try {
            buildWaits.lock(slot); // a wait that would close a cycle across threads throws instead
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
                    return proxyStandIn(slot);
                }
                throw new IllegalStateException("Service '" + name + "' asked for itself while starting "
                        + "(a dependency cycle through svc(\"" + name + "\"): "
                        + ConstructionChain.describe("service '" + name + "'") + ")");
            }
            ensureOpen();
            return buildInto(slot);
        } finally {
            slot.release(); // discards what it built when a close abandoned the slot meanwhile
        }
    }

    /** Builds and starts a fresh instance into the slot; the caller holds the slot's lock. */
    private CommonService<?> buildInto(ServiceSlot slot) {
        String what = "service '" + slot.registration.name() + "'";
        return ConstructionChain.within(what, () -> build(slot, what));
    }

    private CommonService<?> build(ServiceSlot slot, String what) {
        slot.builder = Thread.currentThread();
        try {
            Registration registration = slot.registration;
            String name = registration.name();
            CommonService<?> service = (CommonService<?>) Instantiator.create(() -> what, registration.type(),
                    components);
            Map<String, Object> config;
            Map<String, Object> stored;
            try {
                stored = configStore.read(registration.configKey()).orElse(null);
                config = configStore.readResolved(registration.configKey()).orElse(null);
            } catch (RuntimeException e) {
                // Cached as FAILED rather than lost. Its flags are unknown, so it is treated as enabled and
                // automated: the regeneration loop retries until the config can be read (the hook may be back).
                Map<String, Object> flags = Map.of("enabled", true, "automated", true);
                ServiceControl control = bind(service, name, flags, Manifest::empty, flags);
                control.failBeforeStart(new JsOrcException("Config of service '" + name + "' cannot be read: "
                        + e.getMessage(), e));
                return install(slot, service, control);
            }
            // The instance's manifest is read when it is first asked for: only a service of its own or an operator
            // does (appliers read the store's current one), and a default in YAML costs a fresh JVM SnakeYAML.
            ServiceControl control = bind(service, name, config,
                    () -> registration.manifest().map(configStore::manifest).orElse(Manifest.empty()), stored);
            if (!service.isEnabled() || injected(service, control, name)) {
                service.start();
            }
            return install(slot, service, control);
        } finally {
            slot.builder = null;
        }
    }

    /** Fills the service's injected fields before {@code run()}; a failure there fails the service, naming why. */
    private boolean injected(CommonService<?> service, ServiceControl control, String name) {
        try {
            Injector.inject(service, components);
            return true;
        } catch (RuntimeException e) {
            control.failBeforeStart(new JsOrcException("Injecting the fields of service '" + name + "' failed: "
                    + e.getMessage(), e));
            return false;
        }
    }

    private CommonService<?> install(ServiceSlot slot, CommonService<?> service, ServiceControl control) {
        String name = slot.registration.name();
        if (closed) {
            control.discard();
            throw new IllegalStateException("Orchestrator closed while service '" + name
                    + "' was starting; it was discarded");
        }
        slot.service = service;
        slot.control = control;
        if (!buildOrder.contains(name)) {
            buildOrder.add(name);
        }
        return service;
    }

    private ServiceControl bind(CommonService<?> service, String name, Map<String, Object> config,
                                Supplier<Manifest> manifest, Map<String, Object> stored) {
        return service.bind(new BoundServiceContext(components, name, config, manifest, stored), this::announce,
                this::failed);
    }

    private void failed(CommonService<?> instance) {
        RegenerationLoop loop = regeneration;
        if (!instance.isDeleted() && !closed && loop != null) {
            loop.serviceFailed(instance.name());
        }
    }

    private CommonService<?> proxyStandIn(ServiceSlot slot) {
        CommonService<?> standIn = slot.proxyStandIn;
        if (standIn == null) {
            synchronized (slot.registration) {
                standIn = slot.proxyStandIn;
                if (standIn == null) {
                    standIn = (CommonService<?>) Instantiator.create(
                            () -> "stand-in of service '" + slot.registration.name() + "'", slot.registration.type());
                    standIn.bind(new BoundServiceContext(components, slot.registration.name(), null,
                            Manifest::empty, null), (s, f, t, e) -> { }, failed -> { });
                    slot.proxyStandIn = standIn;
                }
            }
        }
        return standIn;
    }

    private void announce(String name, ServiceState from, ServiceState to, Throwable error) {
        for (ServiceListener listener : listeners) {
            try {
                listener.onTransition(name, from, to, error);
            } catch (RuntimeException e) {
                log.warn("Service listener {} threw on {} -> {} of '{}'", listener, from, to, name, e);
            }
        }
    }

    /**
     * Discards the cached instance and builds and starts a fresh one from the current config.
     *
     * @param name the service name
     * @return the fresh instance
     */
    @Override
    public CommonService<?> refresh(String name) {
        ensureOpen();
        Registration registration = registry.require(ComponentKind.SERVICE, name);
        ServiceSlot slot = slots.computeIfAbsent(name, n -> new ServiceSlot(registration));
        slot.lock.lock();
        try {
            if (slot.builder == Thread.currentThread()) {
                throw new IllegalStateException("Service '" + name + "' cannot be refreshed from its own start");
            }
            ServiceControl old = slot.clear();
            if (old != null) {
                old.discard();
            }
            ensureOpen();
            return buildInto(slot);
        } finally {
            slot.release(); // discards what it built when a close abandoned the slot meanwhile
        }
    }

    /**
     * Marks the service {@code RESTART} and queues it for the regeneration loop.
     *
     * @param name the service name
     */
    public void requestRestart(String name) {
        ensureOpen();
        registry.require(ComponentKind.SERVICE, name);
        ServiceSlot slot = slots.get(name);
        ServiceControl control = slot == null ? null : slot.control;
        if (control != null) {
            control.markRestart();
        }
        RegenerationLoop loop = regeneration;
        if (loop != null) {
            loop.restartRequested(name);
        }
    }

    /**
     * Restarts every service whose config or manifest key this is (another replica changed it) and that this
     * orchestrator was asked for: one it never used is not built (nor started, nor its manifest applied) because
     * another replica uses it; it reads the new config when first asked for.
     *
     * @param key a config or manifest key
     */
    public void restartOwnersOf(String key) {
        if (closed) {
            return;
        }
        for (Registration service : registry.all(ComponentKind.SERVICE)) {
            if (key.equals(service.configKey()) || key.equals(service.manifestKey())) {
                if (!slots.containsKey(service.name())) {
                    log.debug("Config {} changed on another replica; service '{}' is not used here", key,
                            service.name());
                    continue;
                }
                log.info("Config {} changed on another replica; restarting service '{}'", key, service.name());
                try {
                    requestRestart(service.name());
                } catch (IllegalStateException closing) {
                    return; // closed meanwhile: nothing to restart, and the backend's thread must not get this
                }
            }
        }
    }

    /** {@return one entry per built service, sorted by name} */
    public List<ServiceInfo> status() {
        Map<String, ServiceInfo> out = new TreeMap<>();
        // One read per slot: a slot cleared by a concurrent close is skipped, never dereferenced twice.
        slots.forEach((name, slot) -> {
            CommonService<?> service = slot.service;
            if (service != null) {
                out.put(name, service.info());
            }
        });
        return new ArrayList<>(out.values());
    }

    /**
     * Adds a listener told every state transition of every service.
     *
     * @param listener the listener
     */
    public void addListener(ServiceListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Removes a listener added before.
     *
     * @param listener the listener
     */
    public void removeListener(ServiceListener listener) {
        listeners.remove(listener);
    }

    /**
     * Discards every built service, newest first, waiting (at most {@link #CLOSE_WAITS_FOR_BUILDS} in all) for builds
     * under way. Idempotent.
     */
    public void close() {
        close(CLOSE_WAITS_FOR_BUILDS);
    }

    /**
     * Discards every built service, newest first, waiting at most {@code wait} in all for builds under way. A build
     * that outlasts the wait (a {@code run()} that hangs) is left to discard what it built when it ends: a JVM told
     * to exit is not held by it. Idempotent.
     *
     * @param wait how long to wait for builds under way, in all
     */
    public void close(java.time.Duration wait) {
        closed = true;
        long deadline = System.nanoTime() + wait.toNanos();
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
            // Waits for a build in progress; buildInto() sees closed afterwards and discards what it built.
            if (!slot.lockBefore(deadline)) {
                slot.abandoned = true; // the builder, or whoever holds the lock next, discards it
                if (!slot.lock.tryLock()) {
                    log.warn("Service '{}' is still starting; closing without it (it is discarded when its start "
                            + "ends)", name);
                    continue;
                }
            }
            slot.discardAndUnlock();
        }
        slots.clear();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Orchestrator is CLOSED; build a new one");
        }
    }

    // ------------------------------------------------------------------ the regeneration loop's view

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
            slot.release();
        }
    }

    @Override
    public Manifest manifest(String service) {
        return registry.require(ComponentKind.SERVICE, service).manifest().map(configStore::manifest)
                .orElse(Manifest.empty());
    }

    @Override
    public Map<String, Object> jsorcConfig() {
        return configStore.read(ConfigStore.JSORC_CONFIG).orElse(Map.of());
    }

    @Override
    public ApplyContext applyContext(String service) {
        return applyContexts.apply(service);
    }
}
