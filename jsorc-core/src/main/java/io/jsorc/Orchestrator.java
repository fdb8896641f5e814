package io.jsorc;

import io.jsorc.config.ConfigStore;
import io.jsorc.config.Hook;
import io.jsorc.inject.Injector;
import io.jsorc.manifest.ApplyReport;
import io.jsorc.registry.ComponentKind;
import io.jsorc.registry.Registry;
import io.jsorc.regen.RegenerationLoop;
import io.jsorc.regen.RegenerationReport;
import io.jsorc.runtime.Assembly;
import io.jsorc.runtime.AssemblyBuilder;
import io.jsorc.runtime.AssemblySettings;

import java.util.Set;

/**
 * One JsOrc instance: a registry of annotated classes, the services built from it, the persisting contexts, the
 * config store and the regeneration loop. {@link JsOrc} is a static facade over a global one; tests build their own
 * with {@link #builder()} and throw them away with {@link #close()}.
 *
 * <p>This class only delegates: the parts live in {@code io.jsorc.runtime.Assembly} and the packages it wires (see
 * {@code docs/ARCHITECTURE.md}). Thread-safe. Looking up a running service ({@link #svc(String)}) takes no lock and
 * allocates nothing; concurrent first lookups build and start the service exactly once.
 */
public final class Orchestrator extends ForwardingComponentContext implements AutoCloseable {

    private final Assembly parts;
    /** The service table, held here too: {@link #svc(String)} is the hot path, one field load closer. */
    private final io.jsorc.service.ServiceTable services;

    @Override
    protected ComponentContext delegate() {
        return parts;
    }

    private Orchestrator(AssemblySettings settings, boolean startFollows) {
        this.parts = new Assembly(settings, startFollows);
        this.services = parts.services();
    }

    /** {@return a new builder} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds and starts every service in {@code JSORC_CONFIG.pre_loaded_services}, then the regeneration loop.
     *
     * @return this
     * @throws IllegalStateException    when already started or closed
     * @throws NoSuchComponentException when a pre-loaded service is not registered
     */
    public Orchestrator start() {
        parts.start();
        return this;
    }

    @Override
    public void close() {
        parts.close();
    }

    @Override
    public CommonService<?> svc(String name) {
        return services.svc(name);
    }

    /**
     * Discards the cached service and builds and starts a fresh one from the current config.
     *
     * @param name the service name
     * @return the fresh service
     */
    public CommonService<?> serviceRefresh(String name) {
        return parts.services().refresh(name);
    }

    /** {@return the hook in use} */
    public Hook hook() {
        return parts.configStore().hook();
    }

    /**
     * Drops the persisting instance of a context (closing it when it is {@link AutoCloseable}).
     *
     * @param name the context name
     */
    public void destroy(String name) {
        parts.scope().destroy(name);
    }

    /**
     * Replaces the persisting instance of a context by a new one.
     *
     * @param name the context name
     * @return the new instance
     */
    public Object renew(String name) {
        parts.ensureOpen();
        return parts.scope().renew(name);
    }

    /**
     * Replaces the persisting instance of a context by a new one, as the given type.
     *
     * @param name the context name
     * @param type the expected type
     * @param <T>  the type
     * @return the new instance
     */
    public <T> T renew(String name, Class<T> type) {
        return io.jsorc.component.ContextScope.typed("Context", name, renew(name), type);
    }

    /**
     * Fills the fields of {@code target} annotated {@code @Svc}, {@code @Src} or {@code @Ctx}.
     *
     * @param target the object
     * @param <T>    its type
     * @return the target
     */
    public <T> T inject(T target) {
        return Injector.inject(target, this);
    }

    /**
     * Runs one regeneration cycle now, in the calling thread, ignoring backoff windows.
     *
     * @return what it did, per service
     */
    public RegenerationReport regenerate() {
        parts.ensureOpen();
        return parts.regeneration().runCycle();
    }

    /** {@return the loop} */
    public RegenerationLoop regeneration() {
        return parts.regeneration();
    }

    /** {@return the registry} */
    public Registry registry() {
        return parts.registry();
    }

    /** {@return the config store} */
    public ConfigStore configStore() {
        return parts.configStore();
    }

    /**
     * Validates a service's new manifest, stores it under the service's manifest key and marks the service
     * {@code RESTART}, so the loop re-applies it and rebuilds the service.
     *
     * @param service          the service name
     * @param yaml             multi-document YAML
     * @param unsafeParaphrase the phrase that allows deleting data-holding resources, or {@code null}
     * @throws IllegalArgumentException naming the document and the field when the YAML is invalid, or when the
     *                                  service declares no manifest key; nothing is stored then
     */
    public void applyYaml(String service, String yaml, String unsafeParaphrase) {
        parts.manifests().applyYaml(service, yaml, unsafeParaphrase);
    }

    /**
     * Applies resources that belong to no service, through the applier that loads them (the kube module's).
     *
     * @param yaml      multi-document YAML
     * @param namespace the namespace for namespaced resources
     * @return what was done, per resource
     * @throws IllegalStateException when no applier on the classpath loads free-standing resources
     */
    public ApplyReport loadYaml(String yaml, String namespace) {
        parts.ensureOpen();
        return parts.manifests().loadYaml(yaml, namespace);
    }

    /**
     * Returns a config or manifest key's JSON: the stored value, else the default (which is stored now).
     *
     * @param name a known key
     * @return its JSON
     */
    public String configGet(String name) {
        return parts.configStore().get(name);
    }

    /**
     * Replaces a key's stored value.
     *
     * @param name a known key
     * @param json a JSON object
     */
    public void configSet(String name, String json) {
        parts.configStore().set(name, json);
    }

    /**
     * Replaces a key's stored value with the given durability.
     *
     * @param name       a known key
     * @param json       a JSON object
     * @param durability {@link io.jsorc.config.Durability#REQUIRED}: return only once the backend stored it, else
     *                   throw {@link IllegalStateException} naming the key (nothing is left pending)
     */
    public void configSet(String name, String json, io.jsorc.config.Durability durability) {
        parts.configStore().set(name, json, durability);
    }

    /**
     * Replaces one field of a key's stored value.
     *
     * @param name      a known key
     * @param field     an existing field
     * @param jsonValue its new value as JSON
     */
    public void configUpdate(String name, String field, String jsonValue) {
        parts.configStore().update(name, field, jsonValue);
    }

    /**
     * Removes a key's stored value; the next read stores the default again.
     *
     * @param name a known key
     */
    public void configDelete(String name) {
        parts.configStore().delete(name);
    }

    /**
     * Removes a key's stored value with the given durability; the next read stores the default again.
     *
     * @param name       a known key
     * @param durability {@link io.jsorc.config.Durability#REQUIRED}: return only once the store removed it, else throw
     */
    public void configDelete(String name, io.jsorc.config.Durability durability) {
        parts.configStore().delete(name, durability);
    }

    /** {@return the keys, stored or with a default} */
    public Set<String> configList() {
        return parts.configStore().list();
    }

    /**
     * Tells whether a key has a value.
     *
     * @param name a known key
     * @return whether it has a stored value or a default
     */
    public boolean configExists(String name) {
        return parts.configStore().exists(name);
    }

    /**
     * Sets a service's config, then refreshes the service. The given fields are merged over the service's default
     * (a builder override, else its resource): a field left out, such as {@code automated}, keeps its default value
     * rather than vanishing. To drop a field the default has, give it explicitly ({@code "automated": false}).
     *
     * @param serviceName the service name
     * @param json        fields of its new config (a JSON object)
     * @return the refreshed service
     * @throws IllegalArgumentException when the JSON is not an object; nothing is stored then
     */
    public CommonService<?> serviceConfigSet(String serviceName, String json) {
        parts.serviceConfigSet(serviceName, json);
        return serviceRefresh(serviceName);
    }

    @Override
    public String toString() {
        return "Orchestrator[" + parts.phase() + ", services " + parts.registry().names(ComponentKind.SERVICE) + "]";
    }

    /**
     * Builds an {@link Orchestrator}: every option is in {@link AssemblyBuilder}. Not thread-safe.
     */
    public static final class Builder extends AssemblyBuilder<Builder> {

        private Builder() {
        }

        /**
         * Scans, validates and resolves the registry and wires a new orchestrator, not yet started.
         *
         * @return the orchestrator
         * @throws AmbiguousRegistrationException when two classes win a name with the same priority
         * @throws InvalidComponentException      when a class breaks its annotation's rules
         * @throws IllegalArgumentException       when an override names an unknown key or is not a JSON object
         */
        public Orchestrator build() {
            return new Orchestrator(settings(), false);
        }

        /**
         * Builds and starts a new orchestrator: {@code build().start()}, with the start's preparation already beside
         * the build (its classes are loaded on a second thread while this one builds, instead of once
         * {@code start()} is called). What {@link JsOrc#orchestrator()} does.
         *
         * @return the running orchestrator
         * @throws AmbiguousRegistrationException when two classes win a name with the same priority
         * @throws InvalidComponentException      when a class breaks its annotation's rules
         * @throws IllegalArgumentException       when an override names an unknown key or is not a JSON object, or
         *                                        {@code JSORC_CONFIG.pre_loaded_services} is not a list
         * @throws NoSuchComponentException       when a pre-loaded service is not registered
         * @throws JsOrcException                 when an orchestrator extension fails at start
         * @see Orchestrator#start() a failed start closes everything built so far, as there
         */
        public Orchestrator start() {
            return new Orchestrator(settings(), true).start();
        }
    }
}
