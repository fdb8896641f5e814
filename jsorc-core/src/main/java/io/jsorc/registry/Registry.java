package io.jsorc.registry;

import io.jsorc.NoSuchComponentException;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The resolved, immutable registry: per kind and name, the winning registration. Built by {@link RegistryBuilder}.
 */
public final class Registry {

    private final Map<ComponentKind, Map<String, Registration>> winners;

    Registry(Map<ComponentKind, Map<String, Registration>> winners) {
        EnumMap<ComponentKind, Map<String, Registration>> copy = new EnumMap<>(ComponentKind.class);
        for (ComponentKind kind : ComponentKind.values()) {
            copy.put(kind, Collections.unmodifiableMap(new TreeMap<>(winners.getOrDefault(kind, Map.of()))));
        }
        this.winners = copy;
    }

    /** {@return a builder that scans and registers classes} */
    public static RegistryBuilder builder() {
        return new RegistryBuilder();
    }

    /**
     * Finds the winning registration of a kind and name.
     *
     * @param kind the kind
     * @param name the name
     * @return the winning registration, if any
     */
    public Optional<Registration> find(ComponentKind kind, String name) {
        return Optional.ofNullable(winners.get(kind).get(name));
    }

    /**
     * Returns the winning registration of a kind and name, which must exist.
     *
     * @param kind the kind
     * @param name the name
     * @return the winning registration
     * @throws NoSuchComponentException naming the kind, the name and the known names
     */
    public Registration require(ComponentKind kind, String name) {
        Registration registration = winners.get(kind).get(name);
        if (registration == null) {
            throw new NoSuchComponentException(kind.label(), name, winners.get(kind).keySet());
        }
        return registration;
    }

    /**
     * Lists the registered names of one kind.
     *
     * @param kind the kind
     * @return the registered names of that kind, sorted
     */
    public Set<String> names(ComponentKind kind) {
        return winners.get(kind).keySet();
    }

    /**
     * Lists the winning registrations of one kind.
     *
     * @param kind the kind
     * @return the winning registrations of that kind, by name
     */
    public Collection<Registration> all(ComponentKind kind) {
        return winners.get(kind).values();
    }

    /** {@return every service config and manifest key} */
    public Set<String> serviceKeys() {
        Set<String> keys = new LinkedHashSet<>();
        for (Registration service : all(ComponentKind.SERVICE)) {
            keys.add(service.configKey());
            service.manifest().ifPresent(keys::add);
        }
        return keys;
    }

    @Override
    public String toString() {
        return "Registry" + winners;
    }
}
