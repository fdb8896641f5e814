package io.jsorc.service;

import io.jsorc.ComponentContext;
import io.jsorc.ForwardingComponentContext;
import io.jsorc.ServiceContext;
import io.jsorc.manifest.Manifest;

import java.util.Map;
import java.util.function.Supplier;

/** The context of one service instance: its name, config and manifest, and the orchestrator's component context. */
final class BoundServiceContext extends ForwardingComponentContext implements ServiceContext {

    private final ComponentContext components;
    private final String name;
    private final Map<String, Object> config;
    private final Supplier<Manifest> manifestSource;
    private final Map<String, Object> stored;
    private volatile Manifest manifest;

    /** {@code manifestSource} is asked once, when the manifest is first asked for. */
    BoundServiceContext(ComponentContext components, String name, Map<String, Object> config,
                        Supplier<Manifest> manifestSource, Map<String, Object> stored) {
        this.components = components;
        this.name = name;
        this.config = config;
        this.manifestSource = manifestSource;
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
        Manifest read = manifest;
        if (read == null) {
            synchronized (this) {
                read = manifest;
                if (read == null) {
                    read = manifestSource.get();
                    manifest = read;
                }
            }
        }
        return read;
    }

    @Override
    public String toString() {
        return "ServiceContext[" + name + "]";
    }
}
