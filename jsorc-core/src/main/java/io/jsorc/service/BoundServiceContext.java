package io.jsorc.service;

import io.jsorc.ComponentContext;
import io.jsorc.ForwardingComponentContext;
import io.jsorc.ServiceContext;
import io.jsorc.manifest.Manifest;

import java.util.Map;

/** The context of one service instance: its name, config and manifest, and the orchestrator's component context. */
final class BoundServiceContext extends ForwardingComponentContext implements ServiceContext {

    private final ComponentContext components;
    private final String name;
    private final Map<String, Object> config;
    private final Manifest manifest;
    private final Map<String, Object> stored;

    BoundServiceContext(ComponentContext components, String name, Map<String, Object> config, Manifest manifest,
                        Map<String, Object> stored) {
        this.components = components;
        this.name = name;
        this.config = config;
        this.manifest = manifest;
        this.stored = stored;
    }

    @Override
    public Map<String, Object> storedConfig() {
        return stored;
    }

    @Override
    protected ComponentContext delegate() {
        return components;
    }

    @Override
    public String serviceName() {
        return name;
    }

    @Override
    public Map<String, Object> serviceConfig() {
        return config;
    }

    @Override
    public Manifest serviceManifest() {
        return manifest;
    }

    @Override
    public String toString() {
        return "ServiceContext[" + name + "]";
    }
}
