package io.jsorc;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a component built by an orchestrator may ask of it: look up other components, share state, read config and
 * watch services. It is the narrow view an {@link OrchestratorAware} repository or context, a module's SPI
 * implementation and a service (through {@link ServiceContext}) receive instead of the orchestrator itself.
 *
 * <p>Implementations are thread-safe. The orchestrator implements this interface too, so code written against it
 * also runs on a whole orchestrator (in tests, say).
 */
public interface ComponentContext {

    /**
     * Returns the service singleton, built and started on first use.
     *
     * @param name the service name
     * @return the service
     * @throws NoSuchComponentException when no service has that name
     */
    CommonService<?> svc(String name);

    /**
     * Returns the service singleton as the given type.
     *
     * @param name the service name
     * @param type the service class or a supertype
     * @param <T>  the type
     * @return the service
     * @throws ClassCastException when the service is not a {@code type}
     */
    <T> T svc(String name, Class<T> type);

    /**
     * Returns a new instance of the winning repository class.
     *
     * @param name the repository name
     * @return a new instance
     */
    Object src(String name);

    /**
     * Returns a new instance of the winning repository class as the given type.
     *
     * @param name the repository name
     * @param type the expected type
     * @param <T>  the type
     * @return a new instance
     */
    <T> T src(String name, Class<T> type);

    /**
     * Returns a new instance of the winning context class.
     *
     * @param name the context name
     * @param args constructor arguments; they select the one public constructor that accepts them
     * @return a new instance
     */
    Object ctx(String name, Object... args);

    /**
     * Returns a new instance of the winning context class as the given type.
     *
     * @param name the context name
     * @param type the expected type
     * @param args constructor arguments
     * @param <T>  the type
     * @return a new instance
     */
    <T> T ctx(String name, Class<T> type, Object... args);

    /**
     * Returns the persisting instance of a context, created on first call.
     *
     * @param name the context name
     * @return the persisting instance
     */
    Object get(String name);

    /**
     * Returns the persisting instance of a context as the given type.
     *
     * @param name the context name
     * @param type the expected type
     * @param <T>  the type
     * @return the persisting instance
     */
    <T> T get(String name, Class<T> type);

    /**
     * Returns state shared by the components of one orchestrator, created on first use.
     *
     * @param key     identifies the state (a class is a good key)
     * @param factory creates it; it may itself create shared state
     * @param <T>     its type
     * @return the state
     */
    <T> T shared(Object key, Supplier<? extends T> factory);

    /**
     * Returns shared state when some component created it already; nothing is created here.
     *
     * @param key  identifies the state
     * @param type its type
     * @param <T>  its type
     * @return the state, if present
     */
    <T> Optional<T> sharedIfPresent(Object key, Class<T> type);

    /**
     * Reads a config or manifest key: the stored value, else its default (which is stored now).
     *
     * @param key the key
     * @return the value, or empty when nothing is stored and the key has no default
     */
    Optional<Map<String, Object>> config(String key);

    /**
     * Returns a key's default (a builder override, else its classpath resource) with placeholders resolved,
     * without reading or writing the config store: what a config backend bootstraps from.
     *
     * @param key the key
     * @return the default, if the key has one
     */
    Optional<Map<String, Object>> defaultConfig(String key);

    /**
     * Lists the registered components of one kind: the winning class per name.
     *
     * @param kind {@link Service}, {@link Repository} or {@link Context}
     * @return name to class, sorted by name
     * @throws IllegalArgumentException for any other annotation
     */
    Map<String, Class<?>> components(Class<? extends Annotation> kind);

    /**
     * Returns a snapshot of every built service.
     *
     * @return one entry per built service, sorted by name
     */
    List<ServiceInfo> status();

    /**
     * Marks a service {@code RESTART}: the regeneration loop re-applies its manifest and rebuilds it.
     *
     * @param service the service name
     */
    void requestRestart(String service);

    /**
     * Adds a listener told every state transition of every service.
     *
     * @param listener the listener
     */
    void addListener(ServiceListener listener);

    /**
     * Removes a listener added before; nothing happens when it is not there.
     *
     * @param listener the listener
     */
    void removeListener(ServiceListener listener);

    /**
     * Tells whether the orchestrator was started and not closed.
     *
     * @return whether it runs
     */
    boolean isStarted();

    /**
     * Tells whether the orchestrator was closed.
     *
     * @return whether it is closed
     */
    boolean isClosed();

    /**
     * Counts the config writes the config store's backend holds that have not reached its backing store yet (the
     * {@code jsorc.config.pending} metric); 0 while the backend was not created or does not buffer.
     *
     * @return the pending config writes
     */
    default int pendingConfigWrites() {
        return 0;
    }

    /**
     * Tells whether this orchestrator is the one of its replicas that writes to the cluster (the {@code jsorc.leader}
     * metric): the elected leader, or any orchestrator when no election runs ({@code leader_election: none}).
     *
     * @return whether it leads; true when there is no election
     */
    default boolean leads() {
        return true;
    }

    /**
     * Reads a cluster secret through the manifest applier that reads secrets (the kube module's).
     *
     * @param namespace the namespace, or {@code null} for the applier's default
     * @param name      the secret's name
     * @return its entries, decoded; empty when there is no such secret
     * @throws IllegalStateException when nothing on the classpath reads secrets, or the cluster could not be asked
     */
    Optional<Map<String, byte[]>> readSecret(String namespace, String name);
}
