package io.jsorc;

import io.jsorc.base.Json;
import io.jsorc.base.Secrets;
import io.jsorc.lifecycle.FailureLog;
import io.jsorc.lifecycle.ServiceFlags;
import io.jsorc.manifest.Manifest;
import org.slf4j.Logger;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link CommonService} instance was bound with (its name, lifecycle flags, own config, manifest, and which
 * config fields hold secrets), and how that is shown without the secrets: the {@link ServiceInfo} snapshot and the
 * failure log line. Immutable: {@code bind} replaces the unbound settings once.
 */
final class ServiceSettings {

    private final String name;
    private final ServiceFlags flags;
    /** What it is bound to; {@code null} while unbound (then there is no manifest, and failures log at WARN). */
    private final ServiceContext context;
    /** Masked wherever the config is shown: declared by the class, or resolved from a secret placeholder. */
    private final Set<String> secrets;

    private ServiceSettings(String name, ServiceFlags flags, ServiceContext context, Set<String> secrets) {
        this.name = name;
        this.flags = flags;
        this.context = context;
        this.secrets = secrets;
    }

    /** {@return the settings of an instance not bound yet: named after its class, disabled, no config} */
    static ServiceSettings unbound(Class<?> type) {
        return new ServiceSettings(type.getSimpleName(), new ServiceFlags(false, false, false, Map.of(), null),
                null, declaredSecrets(type, Set.of()));
    }

    /** {@return the settings read from the context an instance of {@code type} is bound to} */
    static ServiceSettings bound(Class<?> type, ServiceContext context) {
        Map<String, Object> rawConfig = context.serviceConfig();
        String name = context.serviceName();
        return new ServiceSettings(name, ServiceFlags.parse(name, rawConfig), context,
                declaredSecrets(type, ServiceFlags.secretFields(rawConfig, context.storedConfig())));
    }

    /**
     * The config fields masked by declaration: those the service's class declares secret
     * ({@code @Service(secrets = ...)}) and those whose value came from a secret placeholder.
     */
    private static Set<String> declaredSecrets(Class<?> type, Set<String> placeholderSecrets) {
        Service annotation = type.getAnnotation(Service.class);
        if (annotation == null || annotation.secrets().length == 0) {
            return placeholderSecrets;
        }
        Set<String> all = new HashSet<>(placeholderSecrets);
        all.addAll(Arrays.asList(annotation.secrets()));
        return all;
    }

    String name() {
        return name;
    }

    ServiceFlags flags() {
        return flags;
    }

    /** {@return the manifest the context reads when first asked for (empty while unbound)} */
    Manifest manifest() {
        return context == null ? Manifest.empty() : context.serviceManifest();
    }

    /** {@return the own config bound to {@code type} with Jackson; a mismatch names the service and the type} */
    <T> T config(Class<T> type) {
        try {
            return Json.bind(flags.config(), type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Config of service '" + name + "' does not fit " + type.getName()
                    + ": " + e.getMessage(), e);
        }
    }

    /** {@return a snapshot in {@code state} with {@code failure} (or {@code null}), secret config values masked} */
    ServiceInfo info(ServiceState state, Throwable failure) {
        return new ServiceInfo(name, flags.enabled(), flags.automated(), flags.quiet(), state,
                Secrets.mask(flags.config(), secrets), failure == null ? null : Secrets.maskText(failure.toString()));
    }

    /** Tells the orchestrator's {@link FailureLog} (when there is one) that the service runs again. */
    void recovered() {
        if (context != null) {
            context.sharedIfPresent(FailureLog.class, FailureLog.class).ifPresent(f -> f.recovered(name));
        }
    }

    /**
     * Says why a service has no app: it failed (and why, its message masked as in the logs), or it is disabled or
     * starting.
     *
     * @param type    the service's class, named for a disabled or starting one
     * @param state   its state
     * @param failure its failure, or {@code null}
     * @return the exception {@code poke()} throws, with the failure as cause: the very one {@code error()} returns,
     *     for the caller to inspect (its message is masked in this exception's own; log the cause through
     *     {@code Secrets.masked} where it may carry a connection URL)
     */
    ServiceNotRunningException notRunning(Class<?> type, ServiceState state, Throwable failure) {
        if (failure != null && (state == ServiceState.FAILED || state == ServiceState.RESTART)) {
            return new ServiceNotRunningException("Service '" + name + "' failed: "
                    + Secrets.maskText(failure.getMessage())
                    + " (it is " + state + "; the regeneration loop retries it when it is automated)", failure);
        }
        return new ServiceNotRunningException(type.getSimpleName() + " is disabled or not yet configured!", failure);
    }

    /**
     * Logs a failure as loudly as {@link FailureLog} says: news at WARN, repeats at DEBUG, a summary a minute.
     *
     * @param log   the service's logger
     * @param cause the failure
     */
    void logFailure(Logger log, Throwable cause) {
        FailureLog.Decision decision = context == null ? new FailureLog.Decision(FailureLog.Level.WARN, 1)
                : context.shared(FailureLog.class, FailureLog::new).failed(name, cause.toString());
        switch (decision.level()) {
            case WARN -> log.warn("Service '{}' failed: {} (config {})", name, Secrets.maskText(cause.toString()),
                    Secrets.mask(flags.config(), secrets));
            case SUMMARY -> log.warn("Service '{}' still fails: {} ({} times in a row; repeats are logged at DEBUG)",
                    name, Secrets.maskText(cause.toString()), decision.repeats());
            default -> log.debug("Service '{}' failed again ({} times in a row): {}", name, decision.repeats(),
                    Secrets.maskText(cause.toString()));
        }
        log.debug("Service '{}' failure", name, Secrets.masked(cause));
    }
}
