package io.jsorc.action;

import io.jsorc.ComponentContext;
import io.jsorc.base.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The module configs: those given to the manager, else the {@link ActionManager#CONFIG_KEY} entry of the config
 * store.
 */
final class ModuleConfigs {

    private final Map<String, ActionConfig> configs = new ConcurrentHashMap<>();
    private volatile ComponentContext owner;

    void attach(ComponentContext context) {
        this.owner = context;
    }

    void put(String name, ActionConfig config) {
        if (name == null || name.isBlank() || name.contains(".")) {
            throw new IllegalArgumentException("An action module name must be non-blank and contain no '.', is '"
                    + name + "'");
        }
        if (name.equals(CodeAllowList.PACKAGES_KEY) || name.equals(CodeAllowList.JAR_DIRS_KEY)) {
            throw new IllegalArgumentException("'" + name + "' names a top-level list of " + ActionManager.CONFIG_KEY
                    + ", not an action module");
        }
        configs.put(name, config);
    }

    /** Reads a config from a classpath resource (JSON or YAML); {@code false} when there is no such resource. */
    boolean read(String name, String resource) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = (loader != null ? loader : getClass().getClassLoader()).getResourceAsStream(resource)) {
            if (in == null) {
                return false;
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Object parsed = text.stripLeading().startsWith("{") ? Json.parseObject(text, resource)
                    : io.jsorc.base.SafeYaml.parser().load(text);
            if (!(parsed instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("Action config " + resource + " must be an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> values = (Map<String, Object>) map;
            put(name, ActionConfig.fromMap(values));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new IllegalArgumentException("Action config " + resource + " does not parse: " + e.getMessage()
                    + " (" + io.jsorc.base.SafeYaml.LIMITS + ")", e);
        }
    }

    /**
     * Reads the code allow-lists ({@code allowed_packages}, {@code allowed_jar_dirs}) of the stored
     * {@link ActionManager#CONFIG_KEY} now, so that a change to them applies to the next load.
     */
    CodeAllowList codeAllowList() {
        ComponentContext context = owner;
        if (context == null) {
            return CodeAllowList.ANY;
        }
        return context.config(ActionManager.CONFIG_KEY).map(CodeAllowList::of).orElse(CodeAllowList.ANY);
    }

    /** {@return whether a module of this name has a config (given in code, from a resource or in ACTION_CONFIGS)} */
    boolean isConfigured(String name) {
        try {
            of(name);
            return true;
        } catch (ActionException | IllegalArgumentException e) {
            return false;
        }
    }

    /** {@return the names of the configured modules: given in code or from a resource, and in ACTION_CONFIGS} */
    Set<String> names() {
        Set<String> names = new TreeSet<>(configs.keySet());
        ComponentContext context = owner;
        if (context != null) {
            context.config(ActionManager.CONFIG_KEY).ifPresent(stored -> stored.forEach((name, entry) -> {
                if (entry instanceof Map<?, ?>) {
                    names.add(name);
                }
            }));
        }
        return names;
    }

    /** {@return the config of a module, or throws naming the configured ones} */
    ActionConfig of(String name) {
        ActionConfig config = configs.get(name);
        if (config != null) {
            return config;
        }
        ComponentContext context = owner;
        if (context != null) {
            Optional<Map<String, Object>> stored = context.config(ActionManager.CONFIG_KEY);
            if (stored.isPresent() && stored.get().get(name) instanceof Map<?, ?> entry) {
                @SuppressWarnings("unchecked")
                Map<String, Object> values = (Map<String, Object>) entry;
                return ActionConfig.fromMap(values);
            }
        }
        throw new ActionException("No config for action module '" + name + "': use config(name, ActionConfig), "
                + "configFrom(name, resource) or the " + ActionManager.CONFIG_KEY + " config; configured: "
                + new TreeSet<>(configs.keySet()));
    }
}
