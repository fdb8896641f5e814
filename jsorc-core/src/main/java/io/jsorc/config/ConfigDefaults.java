package io.jsorc.config;

import io.jsorc.base.Json;
import io.jsorc.manifest.Manifest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a config store's defaults come from: a builder override, else the classpath resource
 * {@code META-INF/jsorc/defaults/KEY.json} (or {@code KEY.yaml} for a manifest), with the placeholders that name no
 * secret resolved; and the keys modules declare in {@code META-INF/jsorc/config-keys}.
 */
final class ConfigDefaults {

    private final Map<String, String> overrides;
    private final ClassLoader loader;
    private final Placeholders placeholders;

    ConfigDefaults(Map<String, String> overrides, ClassLoader loader, Placeholders placeholders) {
        this.overrides = Map.copyOf(overrides);
        this.loader = loader;
        this.placeholders = placeholders;
    }

    /** {@return a key's default as JSON, secret placeholders kept as they are, if it has one} */
    Optional<String> json(String key) {
        String raw = overrides.get(key);
        String source = "override of " + key;
        if (raw == null) {
            raw = resource(key + ".json");
            source = ConfigStore.DEFAULTS_PREFIX + key + ".json";
        }
        Map<String, Object> parsed;
        if (raw != null) {
            parsed = Json.parseObject(raw, source);
        } else {
            String yaml = resource(key + ".yaml");
            if (yaml == null) {
                return Optional.empty();
            }
            source = ConfigStore.DEFAULTS_PREFIX + key + ".yaml";
            parsed = Manifest.parseYaml(yaml).toMap();
        }
        return Optional.of(Json.write(placeholders.resolvePublic(parsed, source)));
    }

    private String resource(String name) {
        try (InputStream in = loader.getResourceAsStream(ConfigStore.DEFAULTS_PREFIX + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + ConfigStore.DEFAULTS_PREFIX + name, e);
        }
    }

    /** {@return the keys listed in every {@code META-INF/jsorc/config-keys} the loader sees} */
    static Set<String> declaredKeys(ClassLoader loader) {
        Set<String> keys = new LinkedHashSet<>();
        try {
            Enumeration<URL> lists = loader.getResources(ConfigStore.KEYS_RESOURCE);
            while (lists.hasMoreElements()) {
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(lists.nextElement().openStream(), StandardCharsets.UTF_8))) {
                    reader.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                            .forEach(keys::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + ConfigStore.KEYS_RESOURCE, e);
        }
        return keys;
    }
}
