package io.jsorc.operate;

import io.jsorc.CommonService;
import io.jsorc.ComponentContext;
import io.jsorc.config.ConfigStore;
import io.jsorc.manifest.ApplyReport;
import io.jsorc.regen.RegenerationReport;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an operator may do to one running orchestrator: read and write its config, refresh its services, re-read
 * its settings, apply manifests and run a regeneration cycle. The admin server and the JMX bean are written against
 * this interface, so they never see the {@code Orchestrator} facade.
 *
 * <p>A component finds it with {@link #of(ComponentContext)}; every orchestrator publishes one. Thread-safe.
 */
public interface OperatorContext {

    /**
     * Finds the operator context of the orchestrator a component belongs to.
     *
     * @param components the component's context
     * @return the orchestrator's operator context
     * @throws IllegalStateException when the context belongs to no orchestrator that publishes one
     */
    static OperatorContext of(ComponentContext components) {
        return components.sharedIfPresent(OperatorContext.class, OperatorContext.class).orElseThrow(() ->
                new IllegalStateException("No OperatorContext is published by " + components
                        + "; it is built by an Orchestrator"));
    }

    /** {@return an identifier of this orchestrator, unique in this JVM ({@code jsorc-1}, ...), for JMX names} */
    String id();

    /** {@return the components of the orchestrator (services, repositories, shared state, status)} */
    ComponentContext components();

    /** {@return the config store: known keys, stored values, defaults} */
    ConfigStore configStore();

    /** {@return the names of the registered services, sorted} */
    Set<String> serviceNames();

    /**
     * Gives the config key of a registered service.
     *
     * @param service a service name
     * @return its config key, or empty when no such service is registered
     */
    Optional<String> configKeyOf(String service);

    /**
     * Gives the manifest key of a registered service.
     *
     * @param service a service name
     * @return its manifest key, or empty when it has none or is not registered
     */
    Optional<String> manifestKeyOf(String service);

    /**
     * Gives the config fields a registered service's class declares secret ({@code @Service(secrets = ...)}), without
     * building the service: what an editor of its stored config must mask besides secret-looking names.
     *
     * @param service a service name
     * @return the declared fields; empty when it declares none or is not registered
     */
    Set<String> declaredSecretsOf(String service);

    /**
     * Gives the service's instance when it has been built, without building it.
     *
     * @param service a service name
     * @return the current instance, or empty when it has not been built
     */
    Optional<CommonService<?>> current(String service);

    /**
     * Discards the service's instance and builds a fresh one (its config is read again).
     *
     * @param service a registered service name
     * @return the fresh instance
     */
    CommonService<?> refresh(String service);

    /**
     * Stores a service's config as {@link #serviceConfigSet} does, without refreshing the service: for a caller that
     * refreshes it later (the admin API storing the admin service's own config, refreshed once its answer is sent).
     *
     * @param service a registered service name
     * @param json    its config (a JSON object)
     * @throws IllegalArgumentException when the service is unknown or the config invalid; nothing is stored then
     */
    void serviceConfigStore(String service, String json);

    /**
     * Stores a service's new config (the fields merged over its default) and refreshes it.
     *
     * @param service a registered service name
     * @param json    a JSON object
     * @return the refreshed instance
     * @throws IllegalArgumentException when the JSON is not an object; nothing is stored then
     * @throws IllegalStateException    when the store did not keep it (a {@code REQUIRED} write: an operator is never
     *                                  told "stored" for a write that was not)
     */
    CommonService<?> serviceConfigSet(String service, String json);

    /** {@return {@code JSORC_CONFIG} as the regeneration loop reads it} */
    Map<String, Object> jsorcConfig();

    /** {@return the time between regeneration cycles, as {@code JSORC_CONFIG.backoff_interval} sets it now} */
    Duration regenerationInterval();

    /**
     * Re-reads {@code JSORC_CONFIG} and restarts the regeneration loop's thread, which runs a cycle at once.
     *
     * @throws IllegalStateException when the orchestrator is not started or is closed
     */
    void restartRegeneration();

    /** {@return whether the orchestrator is started and its regeneration loop thread is alive} */
    boolean regenerationAlive();

    /**
     * Runs one regeneration cycle now and waits for it.
     *
     * @return what the cycle did, per service
     */
    RegenerationReport regenerate();

    /**
     * Validates and stores a service's manifest, then asks for its restart, which re-applies it.
     *
     * @param service          a service name (or its manifest key's owner)
     * @param yaml             multi-document YAML
     * @param unsafeParaphrase the phrase that allows deleting data-holding resources, or {@code null}
     * @throws IllegalArgumentException naming the document and the problem; nothing is stored then
     */
    void applyYaml(String service, String yaml, String unsafeParaphrase);

    /**
     * Applies free-standing resources through the applier that loads them.
     *
     * @param yaml      multi-document YAML
     * @param namespace the namespace, or {@code null} for the applier's default
     * @return what was done, per resource
     * @throws IllegalArgumentException naming the document and the problem when the YAML is invalid
     * @throws IllegalStateException    when no running applier loads resources (no running kube service)
     */
    ApplyReport loadYaml(String yaml, String namespace);

    /** {@return whether the orchestrator is started and not closed} */
    boolean isStarted();
}
