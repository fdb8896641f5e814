package io.jsorc.services.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Per orchestrator: which redis service instance is up right now, who wants to know when one comes up, and who
 * handles messages on which {@code jsorc:*} channel. Lets the hook use Redis without asking the orchestrator for the
 * service from inside the service's own construction.
 */
final class RedisLink {

    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

    private volatile RedisService current;
    private final List<Consumer<RedisService>> upListeners = new CopyOnWriteArrayList<>();
    private final Map<String, List<BiConsumer<String, String>>> handlers = new ConcurrentHashMap<>();

    RedisService current() {
        RedisService service = current;
        return service != null && service.isRunning() ? service : null;
    }

    void up(RedisService service) {
        current = service;
        for (Consumer<RedisService> listener : upListeners) {
            try {
                listener.accept(service);
            } catch (RuntimeException e) {
                log.warn("A redis-up listener threw", e);
            }
        }
    }

    void down(RedisService service) {
        if (current == service) {
            current = null;
        }
    }

    void onUp(Consumer<RedisService> listener) {
        upListeners.add(listener);
    }

    void handle(String channel, BiConsumer<String, String> handler) {
        handlers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(handler);
    }

    void dispatch(String channel, String message) {
        for (BiConsumer<String, String> handler : handlers.getOrDefault(channel, List.of())) {
            try {
                handler.accept(channel, message);
            } catch (RuntimeException e) {
                log.warn("Handler of channel {} threw", channel, e);
            }
        }
    }
}
