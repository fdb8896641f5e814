package io.jsorc.config;

import io.jsorc.base.Json;
import io.jsorc.manifest.Manifest;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The layered config store of one orchestrator: a value stored in the {@link Hook} wins; otherwise the key's default
 * (a builder override, else the classpath resource {@code META-INF/jsorc/defaults/KEY.json}, or {@code KEY.yaml} for
 * a manifest) is resolved ({@link Placeholders}) and stored the first time the key is read, so a changed default does
 * not silently change a running system.
 *
 * <p>Every write is validated before anything is stored: the key must be known, the JSON must parse and be an
 * object. A failed write leaves the stored value as it was.
 */
public final class ConfigStore {

    /** The repository name of config backends: {@code @Repository(name = "hook")}. */
    public static final String HOOK = "hook";
    /** The orchestrator's own config key. */
    public static final String JSORC_CONFIG = "JSORC_CONFIG";
    /** Where defaults live on the classpath. */
    public static final String DEFAULTS_PREFIX = "META-INF/jsorc/defaults/";
    /** Resource (one key per line) through which modules declare config keys that belong to no service. */
    public static final String KEYS_RESOURCE = "META-INF/jsorc/config-keys";

    private static final Set<String> FLAGS = Set.of("enabled", "automated", "quiet");

    private final Supplier<Hook> backendFactory;
    private final Object backendLock = new Object();
    /**
     * Set by {@link #close()}, under writeLock and then backendLock: no backend is made after it, and a write either
     * ends before the close or sees it.
     */
    private volatile boolean closed;
    private volatile Hook backend;
    private final Set<String> configKeys;
    private final Set<String> manifestKeys;
    private final Set<String> serviceConfigKeys;
    private final ConfigDefaults defaults;
    private final Placeholders placeholders;
    private final Object writeLock = new Object();
    /** Keys whose corrupt stored value was reported, with the value's hash: each is reported once. */
    private final java.util.concurrent.ConcurrentMap<String, String> reportedCorrupt =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Creates a store and validates the overrides; the backend is created on first use.
     *
     * @param backendFactory    creates the backend (the hook) on first use; it is created once per store
     * @param serviceConfigKeys the config keys of registered services
     * @param manifestKeys      the manifest keys of registered services
     * @param extraKeys         further keys declared by the host
     * @param overrides         key -> default JSON replacing the resource default
     * @param loader            where default resources are read from
     * @param placeholders      how {@code ${...}} in defaults is resolved
     */
    public ConfigStore(Supplier<Hook> backendFactory, Set<String> serviceConfigKeys, Set<String> manifestKeys,
                       Set<String> extraKeys, Map<String, String> overrides, ClassLoader loader,
                       Placeholders placeholders) {
        this.backendFactory = backendFactory;
        this.placeholders = placeholders;
        this.manifestKeys = Set.copyOf(manifestKeys);
        this.serviceConfigKeys = Set.copyOf(serviceConfigKeys);
        Set<String> keys = new LinkedHashSet<>(serviceConfigKeys);
        keys.add(JSORC_CONFIG);
        keys.addAll(extraKeys);
        keys.addAll(ConfigDefaults.declaredKeys(loader));
        keys.removeAll(manifestKeys);
        this.configKeys = Set.copyOf(keys);
        this.defaults = new ConfigDefaults(overrides, loader, placeholders);
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            requireKnown(override.getKey());
            Json.parseObject(override.getValue(), "override of " + override.getKey());
        }
    }

    /**
     * Returns the backend of an orchestrator's config store, for components that keep entries of their own in it
     * (the action servers replicas share, the placements a leader publishes): the backend the builder or
     * {@code -Djsorc.hook} pinned, else the winning {@code @Repository(name = "hook")}.
     *
     * @param context the orchestrator's components
     * @return its config store's backend; the winning hook repository when no config store is published
     */
    public static Hook hookOf(io.jsorc.ComponentContext context) {
        return context.sharedIfPresent(ConfigStore.class, ConfigStore.class).map(ConfigStore::hook)
                .orElseGet(() -> context.src(HOOK, Hook.class));
    }

    /**
     * Returns the store's backend, created on first use and kept for the life of the store.
     *
     * <p>A backend whose construction reads config through this store (its {@code attach} asks for a service, say)
     * meets a second construction on the same thread; what that one fails with fails the read.
     *
     * @return the backend
     */
    public Hook hook() {
        Hook current = backend;
        if (current != null) {
            return current;
        }
        synchronized (backendLock) {
            current = backend;
            if (current == null) {
                if (closed) {
                    // A backend made now would never be closed (its connection and daemons would outlive the store).
                    throw new IllegalStateException("The config store is closed (its orchestrator closed)");
                }
                current = java.util.Objects.requireNonNull(backendFactory.get(), "config backend factory returned null");
                backend = current;
            }
            return current;
        }
    }

    /**
     * Closes the backend when it was created and is {@link AutoCloseable} (a connection it holds, say); called once,
     * when the orchestrator closes.
     */
    public void close() {
        Hook current;
        synchronized (writeLock) { // after a write under way: it ends before the backend closes, or is refused
            synchronized (backendLock) { // after a backend being made now: it is closed too
                closed = true;
                current = backend;
            }
        }
        if (current instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(ConfigStore.class).warn("Closing the config backend threw", e);
            }
        }
    }

    /** {@return the writes the backend holds that have not reached its backing store; 0 before it is created} */
    public int pendingCount() {
        Hook current = backend;
        return current == null ? 0 : current.pendingCount();
    }

    /**
     * Returns every key this store accepts.
     *
     * @return config keys and manifest keys, sorted
     */
    public Set<String> knownKeys() {
        Set<String> all = new TreeSet<>(configKeys);
        all.addAll(manifestKeys);
        return all;
    }

    /**
     * Reads a key: the stored value, else its default (which is stored now). Does not check that the key is known,
     * so modules can read their own keys.
     *
     * @param key the key
     * @return the value as a map, or empty when nothing is stored and there is no default
     */
    public Optional<Map<String, Object>> read(String key) {
        Optional<String> json = readJson(key);
        if (json.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.parseObject(json.get(), "stored config " + key));
        } catch (IllegalArgumentException corrupt) {
            reportCorrupt(key, json.get(), corrupt);
            return defaultJson(key).map(fallback -> Json.parseObject(fallback, "default of " + key));
        }
    }

    /**
     * A stored value that does not parse is reported once (per key and value) at ERROR, and its default is read
     * instead, so a corrupt value neither stops every replica nor logs at every loop wake; {@link #set} and
     * {@link #delete} repair it.
     */
    private void reportCorrupt(String key, String stored, IllegalArgumentException error) {
        if (!String.valueOf(stored.hashCode()).equals(reportedCorrupt.put(key, String.valueOf(stored.hashCode())))) {
            org.slf4j.LoggerFactory.getLogger(ConfigStore.class).error("Stored config {} does not parse ({}); its "
                    + "default is used until it is repaired with configSet or configDelete", key, error.getMessage());
        }
    }

    /**
     * Reads a manifest key: the stored manifest, else its default (which is stored now).
     *
     * @param key a manifest key
     * @return its manifest, or an empty one when it has none
     */
    public Manifest manifest(String key) {
        return read(key).map(Manifest::fromMap).orElse(Manifest.empty());
    }

    /**
     * Reads a known key's JSON: the stored value, else the default (which is stored now).
     *
     * @param key a known key
     * @return its JSON text (stored, else the default, which is stored now)
     * @throws IllegalArgumentException       when the key is unknown
     * @throws java.util.NoSuchElementException when it has neither a stored value nor a default
     */
    public String get(String key) {
        requireKnown(key);
        return readJson(key).orElseThrow(() -> new java.util.NoSuchElementException("Config " + key
                + " has no value: nothing is stored and there is no default (" + DEFAULTS_PREFIX + key
                + ".json or a builder override)"));
    }

    /**
     * Tells whether a known key has a value, stored or default; nothing is stored.
     *
     * @param key a known key
     * @return whether {@link #get(String)} returns a value
     */
    public boolean exists(String key) {
        requireKnown(key);
        return hook().getGlob(key).isPresent() || defaultJson(key).isPresent();
    }

    /**
     * Replaces the stored value, best effort: see {@link #set(String, String, Durability)}.
     *
     * @param key  a known key
     * @param json a JSON object (for a manifest key: kind -> name -> document)
     * @throws IllegalArgumentException when the key is unknown or the JSON is invalid or not an object; nothing is
     *                                  stored then
     */
    public void set(String key, String json) {
        set(key, json, Durability.BEST_EFFORT);
    }

    /**
     * Replaces the stored value.
     *
     * @param key        a known key
     * @param json       a JSON object (for a manifest key: kind -> name -> document)
     * @param durability {@link Durability#REQUIRED}: return only once the backend stored it
     * @throws IllegalArgumentException when the key is unknown or the JSON is invalid or not an object; nothing is
     *                                  stored then
     * @throws IllegalStateException    when {@code REQUIRED} and the backend could not store it within a few seconds
     */
    public void set(String key, String json, Durability durability) {
        requireKnown(key);
        Map<String, Object> value = Json.parseObject(json, "config " + key);
        if (manifestKeys.contains(key)) {
            Manifest.fromMap(value);
        }
        synchronized (writeLock) {
            refuseWhenClosed(key);
            Hook h = hook();
            h.setGlob(key, Json.write(value), durability == null ? Durability.BEST_EFFORT : durability);
            h.commit();
        }
    }

    /**
     * Replaces one field of the stored value. A shared backend applies it to the value it stores now (compare and
     * set), so replicas updating different fields of one key both land.
     *
     * @param key       a known key
     * @param field     a field the value already has (a service config also accepts its flags {@code enabled},
     *                  {@code automated}, {@code quiet})
     * @param jsonValue the field's new value as JSON ({@code "\"text\""}, {@code "42"}, {@code "true"}, ...)
     * @throws IllegalArgumentException when the key or the field is unknown, the value is not JSON, or (for a manifest
     *                                  key) the changed value is not a valid manifest; nothing is stored then
     */
    public void update(String key, String field, String jsonValue) {
        update(key, field, jsonValue, Durability.BEST_EFFORT);
    }

    /**
     * Replaces one field of the stored value with the given durability; see {@link #update(String, String, String)}.
     *
     * @param key        a known key
     * @param field      a field the value already has (or a service flag)
     * @param jsonValue  the field's new value as JSON
     * @param durability {@link Durability#REQUIRED}: return only once the backend stored it
     * @throws IllegalArgumentException when the key or the field is unknown, the value is not JSON, or (for a manifest
     *                                  key) the changed value is not a valid manifest; nothing is stored then
     * @throws IllegalStateException    when {@code REQUIRED} and the backend could not store it
     */
    public void update(String key, String field, String jsonValue, Durability durability) {
        Durability wanted = durability == null ? Durability.BEST_EFFORT : durability;
        requireKnown(key);
        Object value = Json.parseValue(jsonValue, "value of " + key + "." + field);
        boolean flag = serviceConfigKeys.contains(key) && FLAGS.contains(field);
        synchronized (writeLock) {
            java.util.function.UnaryOperator<String> change = stored -> {
                Map<String, Object> current = new LinkedHashMap<>(stored == null ? Map.of()
                        : Json.parseObject(stored, "stored config " + key));
                if (!current.containsKey(field) && !flag) {
                    throw new IllegalArgumentException("Config " + key + " has no field '" + field
                            + "'; its fields are " + new TreeSet<>(current.keySet()));
                }
                current.put(field, value);
                if (manifestKeys.contains(key)) {
                    Manifest.fromMap(current); // as set() checks it: nothing unreadable is stored
                }
                return Json.write(current);
            };
            refuseWhenClosed(key);
            Hook h = hook();
            if (readJson(key).isEmpty()) { // neither stored nor a default: only a flag can be set
                change.apply(null); // refused before anything is stored
                // Created if still absent, then changed atomically: a value another replica stored meanwhile is
                // changed, not replaced.
                h.getOrCreateGlob(key, "{}");
            }
            h.updateGlob(key, change, wanted);
            h.commit();
        }
    }

    /**
     * Removes the stored value, best effort: see {@link #delete(String, Durability)}.
     *
     * @param key a known key
     */
    public void delete(String key) {
        delete(key, Durability.BEST_EFFORT);
    }

    /**
     * Removes the stored value; the next read stores the default again.
     *
     * @param key        a known key
     * @param durability {@link Durability#REQUIRED}: return only once the backend removed it, else throw (nothing is
     *                   pending then); {@code BEST_EFFORT}: a backend that cannot take it now removes it later
     */
    public void delete(String key, Durability durability) {
        requireKnown(key);
        synchronized (writeLock) {
            refuseWhenClosed(key);
            Hook h = hook();
            h.deleteGlob(key, durability == null ? Durability.BEST_EFFORT : durability);
            h.commit();
        }
    }

    /**
     * Refuses a write once the store closed: its backend's connection and the daemon that would flush a best-effort
     * write are gone, so the write would be reported done and never stored. The caller holds writeLock.
     */
    private void refuseWhenClosed(String key) {
        if (closed) {
            throw new IllegalStateException("The config store is closed (its orchestrator closed): config " + key
                    + " was not changed");
        }
    }

    /** {@return the known keys that have a value (stored or default), sorted} */
    public Set<String> list() {
        Set<String> stored = hook().globKeys();
        Set<String> out = new TreeSet<>();
        for (String key : knownKeys()) {
            if (stored.contains(key) || defaultJson(key).isPresent()) {
                out.add(key);
            }
        }
        return out;
    }

    /**
     * Tells whether a key is a config or manifest key this store accepts.
     *
     * @param key a key
     * @return whether it is a config or manifest key this store accepts
     */
    public boolean isKnown(String key) {
        return configKeys.contains(key) || manifestKeys.contains(key);
    }

    /**
     * Returns a key's default (a builder override, else its classpath resource) with placeholders resolved.
     *
     * @param key a key
     * @return its resolved default as JSON, if it has one (nothing is stored)
     */
    public Optional<String> defaultJson(String key) {
        return defaults.json(key);
    }

    /**
     * Returns the fields given merged over a key's default, as {@link #defaultJson} keeps it (secret placeholders
     * stay placeholders): what storing a service's fields stores, and what a check of them before storing sees.
     *
     * @param key   a key
     * @param given the fields given
     * @return the default's fields, then the given ones over them
     */
    public Map<String, Object> mergedOverDefault(String key, Map<String, Object> given) {
        Map<String, Object> merged = new LinkedHashMap<>(defaultJson(key)
                .map(json -> Json.parseObject(json, "default of " + key)).orElse(Map.of()));
        merged.putAll(given);
        return merged;
    }

    /**
     * Resolves a value's placeholders as a service reading it would see them now: to check a value before it is
     * stored. Never store what it returns (secret placeholders must stay placeholders in the store).
     *
     * @param value a config value
     * @param key   its key, for messages
     * @return the value with every placeholder resolved
     * @throws IllegalArgumentException when a placeholder has neither a value nor a fallback
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> resolved(Map<String, Object> value, String key) {
        return Placeholders.hasPlaceholder(value) ? (Map<String, Object>) placeholders.resolve(value, "config " + key)
                : value;
    }

    /**
     * Reads a key as a service uses it: {@link #read} with the secret placeholders the store keeps unresolved
     * ({@code ${ELASTIC_AUTH}}) filled in, from the environment or system properties, at this moment.
     *
     * @param key the key
     * @return the value with every placeholder resolved, or empty
     * @throws IllegalArgumentException when a secret placeholder has neither a value nor a fallback
     */
    public Optional<Map<String, Object>> readResolved(String key) {
        return read(key).map(value -> resolved(value, key));
    }

    /**
     * Returns a key's default as a map with every placeholder resolved, secret ones too, without touching the
     * backend: what a backend bootstraps from. Never store it (use {@link #defaultJson}, which keeps secret
     * placeholders).
     *
     * @param key a key
     * @return its default, if it has one
     */
    @SuppressWarnings("unchecked")
    public Optional<Map<String, Object>> defaultValue(String key) {
        return defaultJson(key).map(json -> (Map<String, Object>) placeholders.resolve(
                Json.parseObject(json, "default of " + key), "default of " + key));
    }

    private Optional<String> readJson(String key) {
        Hook h = hook();
        Optional<String> stored = h.getGlob(key);
        if (stored.isPresent()) {
            return stored;
        }
        Optional<String> fallback = defaultJson(key);
        return fallback.map(json -> h.getOrCreateGlob(key, json));
    }

    private void requireKnown(String key) {
        if (key == null || !isKnown(key)) {
            throw new IllegalArgumentException("Unknown config name '" + key + "'; known names: " + knownKeys());
        }
    }
}
