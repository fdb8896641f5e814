package io.jsorc;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link ComponentContext} that forwards every call to another one, in the manner of Guava's {@code Forwarding*}
 * classes: subclasses add what they are (a service's own context, the orchestrator facade) and override only what
 * they do differently.
 */
public abstract class ForwardingComponentContext implements ComponentContext {

    /** For subclasses. */
    protected ForwardingComponentContext() {
    }

    /**
     * Returns the context every call goes to.
     *
     * @return the delegate; the same one on every call
     */
    protected abstract ComponentContext delegate();

    @Override
    public CommonService<?> svc(String service) {
        return delegate().svc(service);
    }

    @Override
    public <T> T svc(String service, Class<T> type) {
        return delegate().svc(service, type);
    }

    @Override
    public Object src(String repository) {
        return delegate().src(repository);
    }

    @Override
    public <T> T src(String repository, Class<T> type) {
        return delegate().src(repository, type);
    }

    @Override
    public Object ctx(String context, Object... args) {
        return delegate().ctx(context, args);
    }

    @Override
    public <T> T ctx(String context, Class<T> type, Object... args) {
        return delegate().ctx(context, type, args);
    }

    @Override
    public Object get(String context) {
        return delegate().get(context);
    }

    @Override
    public <T> T get(String context, Class<T> type) {
        return delegate().get(context, type);
    }

    @Override
    public <T> T shared(Object key, Supplier<? extends T> factory) {
        return delegate().shared(key, factory);
    }

    @Override
    public <T> Optional<T> sharedIfPresent(Object key, Class<T> type) {
        return delegate().sharedIfPresent(key, type);
    }

    @Override
    public Optional<Map<String, Object>> config(String key) {
        return delegate().config(key);
    }

    @Override
    public Optional<Map<String, Object>> defaultConfig(String key) {
        return delegate().defaultConfig(key);
    }

    @Override
    public Map<String, Class<?>> components(Class<? extends Annotation> kind) {
        return delegate().components(kind);
    }

    @Override
    public List<ServiceInfo> status() {
        return delegate().status();
    }

    @Override
    public void requestRestart(String service) {
        delegate().requestRestart(service);
    }

    @Override
    public void addListener(ServiceListener listener) {
        delegate().addListener(listener);
    }

    @Override
    public void removeListener(ServiceListener listener) {
        delegate().removeListener(listener);
    }

    @Override
    public boolean isStarted() {
        return delegate().isStarted();
    }

    @Override
    public boolean isClosed() {
        return delegate().isClosed();
    }

    @Override
    public int pendingConfigWrites() {
        return delegate().pendingConfigWrites();
    }

    @Override
    public boolean leads() {
        return delegate().leads();
    }

    @Override
    public Optional<Map<String, byte[]>> readSecret(String namespace, String secret) {
        return delegate().readSecret(namespace, secret);
    }
}
