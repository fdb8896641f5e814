package io.jsorc.component;

import io.jsorc.ComponentContext;
import io.jsorc.OrchestratorAware;
import io.jsorc.inject.Injector;
import io.jsorc.registry.ComponentKind;
import io.jsorc.registry.Registration;
import io.jsorc.registry.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The non-service components of one orchestrator: new repository and context instances ({@code src}, {@code ctx}),
 * the persisting context instances ({@code get}, {@code renew}, {@code destroy}) and the state its components share.
 *
 * <p>Thread-safe. Instances that implement {@link OrchestratorAware} are handed the orchestrator's
 * {@link ComponentContext} right after construction.
 */
public final class ContextScope {

    private static final Logger log = LoggerFactory.getLogger(ContextScope.class);

    /** Set by {@link #close()}: no persisting instance is made after it. */
    private volatile boolean closed;
    private final Registry registry;
    private final ConcurrentHashMap<String, Object> persisting = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> persistingLocks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Object, Object> shared = new ConcurrentHashMap<>();
    /** Depth of repository constructions under way on this thread: the {@code proxy} rule of services reads it. */
    private final ThreadLocal<int[]> constructingRepository = ThreadLocal.withInitial(() -> new int[1]);
    private volatile ComponentContext context;

    /**
     * Creates the scope of one orchestrator.
     *
     * @param registry the orchestrator's registry
     */
    public ContextScope(Registry registry) {
        this.registry = registry;
    }

    /**
     * Sets the context handed to {@link OrchestratorAware} instances; called once, while the orchestrator is wired.
     *
     * @param componentContext the orchestrator's context
     */
    public void attachContext(ComponentContext componentContext) {
        this.context = Objects.requireNonNull(componentContext, "componentContext");
    }

    /**
     * Creates a new instance of the winning repository class.
     *
     * @param name the repository name
     * @return the new instance, attached
     */
    public Object src(String name) {
        Registration registration = registry.require(ComponentKind.REPOSITORY, name);
        int[] depth = constructingRepository.get();
        depth[0]++;
        try {
            String what = "repository '" + name + "'";
            return ConstructionChain.within(what, () -> attach(Instantiator.create(() -> what, registration.type(),
                    context)));
        } finally {
            depth[0]--;
            if (depth[0] == 0) {
                constructingRepository.remove();
            }
        }
    }

    /** {@return whether a repository construction is under way on this thread} */
    public boolean constructingRepository() {
        return constructingRepository.get()[0] > 0;
    }

    /**
     * Creates a new instance of the winning context class.
     *
     * @param name the context name
     * @param args constructor arguments; they select the one public constructor that accepts them
     * @return the new instance, attached
     */
    public Object ctx(String name, Object... args) {
        Registration registration = registry.require(ComponentKind.CONTEXT, name);
        String what = "context '" + name + "'";
        return ConstructionChain.within(what, () -> attach(Instantiator.create(() -> what, registration.type(),
                context, args == null ? new Object[]{null} : args)));
    }

    /**
     * Returns the persisting instance of a context, created with its no-arg constructor on first call.
     *
     * @param name the context name
     * @return the persisting instance
     */
    public Object get(String name) {
        Object existing = persisting.get(name);
        if (existing != null) {
            return existing;
        }
        registry.require(ComponentKind.CONTEXT, name);
        synchronized (lockOf(name)) {
            existing = persisting.get(name);
            if (existing == null) {
                refuseWhenClosed(name);
                existing = ctx(name);
                persisting.put(name, existing);
                // A close() that began meanwhile may have listed the instances before this one: close it here.
                if (closed) {
                    closeQuietly(name, persisting.remove(name));
                    refuseWhenClosed(name);
                }
            }
            return existing;
        }
    }

    private void refuseWhenClosed(String name) {
        if (closed) {
            throw new IllegalStateException("Context '" + name + "' cannot be created: the orchestrator is closed");
        }
    }

    /**
     * Drops the persisting instance, closing it when it is {@link AutoCloseable}.
     *
     * @param name the context name
     */
    public void destroy(String name) {
        registry.require(ComponentKind.CONTEXT, name);
        synchronized (lockOf(name)) {
            closeQuietly(name, persisting.remove(name));
        }
    }

    /**
     * Replaces the persisting instance by a new one.
     *
     * @param name the context name
     * @return the new persisting instance
     */
    public Object renew(String name) {
        registry.require(ComponentKind.CONTEXT, name);
        synchronized (lockOf(name)) {
            destroy(name);
            return get(name);
        }
    }

    /**
     * Returns shared state, created on first use.
     *
     * @param key     identifies the state
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

    /**
     * Returns shared state when it exists.
     *
     * @param key  identifies the state
     * @param type its type
     * @param <T>  its type
     * @return the state, if some component created it
     */
    public <T> Optional<T> sharedIfPresent(Object key, Class<T> type) {
        return Optional.ofNullable(shared.get(key)).map(type::cast);
    }

    /** Closes every persisting instance that is {@link AutoCloseable}; called once, when the orchestrator closes. */
    public void close() {
        closed = true; // before listing: a get() racing this close sees it, or is listed (see get)
        for (String name : new ArrayList<>(persisting.keySet())) {
            closeQuietly(name, persisting.remove(name));
        }
    }

    /**
     * Casts a component to the type a caller expects, with a message naming both.
     *
     * @param kind  the component kind, for the message
     * @param name  the component name
     * @param value the component
     * @param type  the expected type
     * @param <T>   the type
     * @return the component
     * @throws ClassCastException when it is not a {@code type}
     */
    public static <T> T typed(String kind, String name, Object value, Class<T> type) {
        if (!type.isInstance(value)) {
            throw new ClassCastException(kind + " '" + name + "' is a " + value.getClass().getName() + ", not a "
                    + type.getName());
        }
        return type.cast(value);
    }

    private Object lockOf(String name) {
        return persistingLocks.computeIfAbsent(name, n -> new Object());
    }

    /**
     * Hands the new instance its context, then fills its {@code @Svc}/{@code @Src}/{@code @Ctx} fields. An instance
     * that fails either step is closed (when it is {@link AutoCloseable}) before the failure goes on: nobody else
     * holds it, and what its constructor or {@code attach} started would otherwise run on for good.
     */
    private Object attach(Object instance) {
        ComponentContext attached = context;
        if (attached == null) {
            closeQuietly(instance.getClass().getName(), instance);
            throw new IllegalStateException("The component scope has no context yet; it is wired at build");
        }
        try {
            if (instance instanceof OrchestratorAware aware) {
                aware.attach(attached);
            }
            return Injector.inject(instance, attached);
        } catch (RuntimeException | Error e) {
            closeQuietly(instance.getClass().getName(), instance);
            throw e;
        }
    }

    /**
     * {@link #typed}, for an instance just created for the caller ({@code src}, {@code ctx}): one of the wrong type is
     * closed before the exception, since nobody else holds it.
     *
     * @param kind    the component kind, for the message
     * @param name    the component name
     * @param created the new instance
     * @param type    the expected type
     * @param <T>     the type
     * @return the instance
     * @throws ClassCastException when it is not a {@code type}
     */
    public static <T> T typedNew(String kind, String name, Object created, Class<T> type) {
        if (!type.isInstance(created)) {
            closeQuietly(name, created);
        }
        return typed(kind, name, created, type);
    }

    static void closeQuietly(String name, Object instance) {
        if (instance instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("Closing '{}' threw", name, e);
            }
        }
    }
}
