package io.jsorc.cluster;

import io.jsorc.ComponentContext;
import io.jsorc.config.ConfigStore;
import io.jsorc.manifest.ApplyReport;
import io.jsorc.manifest.Manifest;
import io.jsorc.metrics.MetricsEvents;
import io.jsorc.registry.ComponentKind;
import io.jsorc.registry.Registration;
import io.jsorc.registry.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The orchestrator's way to the cluster: stores a service's new manifest ({@code applyYaml}), applies free-standing
 * resources ({@code loadYaml}) and reads secrets, through the {@link ManifestApplier}s on the classpath. It validates
 * manifests before anything is stored or applied.
 */
public final class ManifestGateway {

    private static final Logger log = LoggerFactory.getLogger(ManifestGateway.class);

    private final Registry registry;
    private final ConfigStore configStore;
    private final ComponentContext components;
    private final List<ManifestApplier> appliers;
    private final Consumer<String> restart;
    private final Leadership leadership;

    /**
     * Creates the gateway of one orchestrator.
     *
     * @param registry    where services and their manifest keys are registered
     * @param configStore where manifests are stored
     * @param components  the orchestrator's components, handed to appliers
     * @param appliers    the appliers, in order (may be empty)
     * @param restart     asks for a service's restart once its manifest changed
     */
    public ManifestGateway(Registry registry, ConfigStore configStore, ComponentContext components,
                           List<ManifestApplier> appliers, Consumer<String> restart) {
        this(registry, configStore, components, appliers, restart, Leadership.everyone());
    }

    /**
     * Creates the gateway of one orchestrator whose cluster writes only its leader makes.
     *
     * @param registry    where services and their manifest keys are registered
     * @param configStore where manifests are stored
     * @param components  the orchestrator's components, handed to appliers
     * @param appliers    the appliers, in order (may be empty)
     * @param restart     asks for a service's restart once its manifest changed
     * @param leadership  whether this replica may write to the cluster
     */
    public ManifestGateway(Registry registry, ConfigStore configStore, ComponentContext components,
                           List<ManifestApplier> appliers, Consumer<String> restart, Leadership leadership) {
        this.leadership = Objects.requireNonNull(leadership, "leadership");
        this.registry = registry;
        this.configStore = configStore;
        this.components = components;
        this.appliers = List.copyOf(appliers);
        this.restart = restart;
    }

    /** {@return the appliers, in order} */
    public List<ManifestApplier> appliers() {
        return appliers;
    }

    /**
     * Returns what an applier gets when it applies a service's manifest.
     *
     * @param service the service name, or {@code null} for free-standing resources
     * @return the context
     */
    public ApplyContext applyContext(String service) {
        String key = service == null ? null : registry.require(ComponentKind.SERVICE, service).manifestKey();
        return new Context(service, key);
    }

    /**
     * Validates and stores a service's new manifest, then asks for the service's restart, which re-applies it.
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
        Manifest manifest = Manifest.validated(yaml).withUnsafeParaphrase(unsafeParaphrase);
        configStore.set(key, manifest.toJson());
        restart.accept(service);
    }

    /**
     * Applies resources that belong to no service, through the first applier that loads free-standing resources.
     * With leader election only the leader writes: an applier asks {@link ApplyContext#mayWrite()} and refuses on a
     * follower before anything is sent.
     *
     * @param yaml      multi-document YAML
     * @param namespace the namespace for namespaced resources
     * @return what was done, per resource
     * @throws IllegalArgumentException naming the document and the field when the YAML is invalid
     * @throws IllegalStateException    when no applier loads free-standing resources, or this replica does not lead
     */
    public ApplyReport loadYaml(String yaml, String namespace) {
        Manifest manifest = Manifest.validated(yaml);
        for (ManifestApplier applier : appliers) {
            try {
                return applier.load(manifest, namespace, applyContext(null));
            } catch (UnsupportedOperationException e) {
                log.debug("{} does not load free-standing resources", applier);
            }
        }
        throw new IllegalStateException("loadYaml needs a ManifestApplier that loads resources (add jsorc-kube); "
                + "appliers found: " + appliers);
    }

    /**
     * Reads a cluster secret through the first applier that reads secrets.
     *
     * @param namespace the namespace, or {@code null} for the applier's default
     * @param name      the secret's name
     * @return its entries, decoded; empty when there is no such secret
     * @throws IllegalStateException when no applier reads secrets, or the cluster could not be asked
     */
    public Optional<Map<String, byte[]>> readSecret(String namespace, String name) {
        Objects.requireNonNull(name, "name");
        for (ManifestApplier applier : appliers) {
            try {
                return applier.readSecret(namespace, name, applyContext(null));
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

    /** One apply's view. */
    private final class Context implements ApplyContext {
        private final String service;
        private final String manifestKey;

        Context(String service, String manifestKey) {
            this.service = service;
            this.manifestKey = manifestKey;
        }

        @Override
        public String service() {
            return service;
        }

        @Override
        public String manifestKey() {
            return manifestKey;
        }

        @Override
        public ComponentContext components() {
            return components;
        }

        @Override
        public ConfigStore configStore() {
            return configStore;
        }

        @Override
        public MetricsEvents events() {
            return MetricsEvents.of(components);
        }

        @Override
        public boolean mayWrite() {
            return leadership.confirm();
        }
    }
}
