package io.jsorc;

import io.jsorc.manifest.Manifest;

import java.util.Map;

/**
 * What a {@link CommonService} receives from the orchestrator that builds it: its name, its config and manifest as
 * read for this instance, and the {@link ComponentContext} through which it reaches other components and shared
 * state. A service never sees the orchestrator itself.
 */
public interface ServiceContext extends ComponentContext {

    /**
     * Returns the service's name.
     *
     * @return the name it is registered under
     */
    String serviceName();

    /**
     * Returns the service's config as read for this instance, flags included.
     *
     * @return the config, or {@code null} when the service has none (it is then disabled)
     */
    Map<String, Object> serviceConfig();

    /**
     * Returns the service's config as the config store keeps it: secret placeholders ({@code ${DB_TOKEN}}) not yet
     * resolved. Fields that differ from {@link #serviceConfig()} hold secrets and are masked wherever the config is
     * shown.
     *
     * @return the stored config, or {@code null} when the service has none
     */
    default Map<String, Object> storedConfig() {
        return serviceConfig();
    }

    /**
     * Returns the service's manifest as read for this instance: read from the config store when first asked for
     * (storing its default there, as any read does), then kept.
     *
     * @return the manifest; empty when it has none
     */
    Manifest serviceManifest();
}
