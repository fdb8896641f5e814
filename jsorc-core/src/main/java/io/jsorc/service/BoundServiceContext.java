package io.jsorc.service;

import io.jsorc.CommonService;
import io.jsorc.ComponentContext;
import io.jsorc.ServiceContext;
import io.jsorc.ServiceInfo;
import io.jsorc.ServiceListener;
import io.jsorc.manifest.Manifest;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The context of one service instance: its name, config and manifest, and the orchestrator's component context. */
final class BoundServiceContext implements ServiceContext {

    private final ComponentContext components;
    private final String name;
    private final Map<String, Object> config;
    private final Manifest manifest;

    BoundServiceContext(ComponentContext components, String name, Map<String, Object> config, Manifest manifest) {
        this.components = components;
        this.name = name;
        this.config = config;
        this.manifest = manifest;
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
    public CommonService<?> svc(String service) {
        return components.svc(service);
    }

    @Override
    public <T> T svc(String service, Class<T> type) {
        return components.svc(service, type);
    }

    @Override
    public Object src(String repository) {
        return components.src(repository);
    }

    @Override
    public <T> T src(String repository, Class<T> type) {
        return components.src(repository, type);
    }

    @Override
    public Object ctx(String context, Object... args) {
        return components.ctx(context, args);
    }

    @Override
    public <T> T ctx(String context, Class<T> type, Object... args) {
        return components.ctx(context, type, args);
    }

    @Override
    public Object get(String context) {
        return components.get(context);
    }

    @Override
    public <T> T get(String context, Class<T> type) {
        return components.get(context, type);
    }

    @Override
    public <T> T shared(Object key, Supplier<? extends T> factory) {
        return components.shared(key, factory);
    }

    @Override
    public <T> Optional<T> sharedIfPresent(Object key, Class<T> type) {
        return components.sharedIfPresent(key, type);
    }

    @Override
    public Optional<Map<String, Object>> config(String key) {
        return components.config(key);
    }

    @Override
    public Optional<Map<String, Object>> defaultConfig(String key) {
        return components.defaultConfig(key);
    }

    @Override
    public Map<String, Class<?>> components(Class<? extends Annotation> kind) {
        return components.components(kind);
    }

    @Override
    public List<ServiceInfo> status() {
        return components.status();
    }

    @Override
    public void requestRestart(String service) {
        components.requestRestart(service);
    }

    @Override
    public void addListener(ServiceListener listener) {
        components.addListener(listener);
    }

    @Override
    public void removeListener(ServiceListener listener) {
        components.removeListener(listener);
    }

    @Override
    public boolean isStarted() {
        return components.isStarted();
    }

    @Override
    public boolean isClosed() {
        return components.isClosed();
    }

    @Override
    public Optional<Map<String, byte[]>> readSecret(String namespace, String secret) {
        return components.readSecret(namespace, secret);
    }

    @Override
    public String toString() {
        return "ServiceContext[" + name + "]";
    }
}
