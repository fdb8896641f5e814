package io.jsorc.runtime;

import io.jsorc.CommonService;
import io.jsorc.ComponentContext;
import io.jsorc.config.ConfigStore;
import io.jsorc.manifest.ApplyReport;
import io.jsorc.operate.OperatorContext;
import io.jsorc.registry.ComponentKind;
import io.jsorc.registry.Registration;
import io.jsorc.regen.RegenerationReport;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/** The {@link OperatorContext} of one {@link Assembly}: each operation delegates to the part that owns it. */
final class OperatorConsole implements OperatorContext {

    private static final AtomicInteger IDS = new AtomicInteger();

    private final Assembly parts;
    private final String id = "jsorc-" + IDS.incrementAndGet();

    OperatorConsole(Assembly parts) {
        this.parts = parts;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ComponentContext components() {
        return parts;
    }

    @Override
    public ConfigStore configStore() {
        return parts.configStore();
    }

    @Override
    public Set<String> serviceNames() {
        return new TreeSet<>(parts.registry().names(ComponentKind.SERVICE));
    }

    @Override
    public Optional<String> configKeyOf(String service) {
        return parts.registry().find(ComponentKind.SERVICE, service).map(Registration::configKey);
    }

    @Override
    public Optional<String> manifestKeyOf(String service) {
        return parts.registry().find(ComponentKind.SERVICE, service).flatMap(Registration::manifest);
    }

    @Override
    public Set<String> declaredSecretsOf(String service) {
        return parts.registry().find(ComponentKind.SERVICE, service)
                .map(registration -> registration.type().getAnnotation(io.jsorc.Service.class))
                .map(annotation -> Set.of(annotation.secrets())).orElse(Set.of());
    }

    @Override
    public Optional<CommonService<?>> current(String service) {
        return Optional.ofNullable(parts.services().current(service));
    }

    @Override
    public CommonService<?> refresh(String service) {
        parts.ensureOpen();
        return parts.services().refresh(service);
    }

    @Override
    public void serviceConfigStore(String service, String json) {
        // An operator is told "stored" only for a write the store kept (as config_set is).
        parts.serviceConfigSet(service, json, io.jsorc.config.Durability.REQUIRED);
    }

    @Override
    public CommonService<?> serviceConfigSet(String service, String json) {
        parts.serviceConfigSet(service, json, io.jsorc.config.Durability.REQUIRED);
        return refresh(service);
    }

    @Override
    public Map<String, Object> jsorcConfig() {
        return parts.jsorcConfig();
    }

    @Override
    public Duration regenerationInterval() {
        return parts.regeneration().interval();
    }

    @Override
    public void restartRegeneration() {
        if (!parts.isStarted()) {
            throw new IllegalStateException("The regeneration loop cannot restart: the orchestrator is "
                    + parts.phase() + "; allowed only while STARTED");
        }
        parts.regeneration().restart();
    }

    @Override
    public boolean regenerationAlive() {
        return parts.isStarted() && parts.regeneration().isRunning();
    }

    @Override
    public RegenerationReport regenerate() {
        parts.ensureOpen();
        return parts.regeneration().runCycle();
    }

    @Override
    public void applyYaml(String service, String yaml, String unsafeParaphrase) {
        parts.ensureOpen();
        parts.manifests().applyYaml(service, yaml, unsafeParaphrase);
    }

    @Override
    public ApplyReport loadYaml(String yaml, String namespace) {
        parts.ensureOpen();
        return parts.manifests().loadYaml(yaml, namespace);
    }

    @Override
    public boolean isStarted() {
        return parts.isStarted();
    }

    @Override
    public String toString() {
        return "OperatorContext[" + id + ", " + parts.phase() + "]";
    }
}
