package io.jsorc.registry;

import java.util.Optional;

/**
 * One annotated class as the registry knows it.
 *
 * @param kind        which annotation it carries
 * @param name        the name it is looked up by
 * @param type        the class
 * @param priority    higher wins among classes of the same kind and name
 * @param configKey   services only: the config key ({@code NAME_CONFIG} unless given), else {@code null}
 * @param manifestKey services only: the manifest key, or {@code null} when it has none
 * @param proxy       services only: hand a placeholder to repositories under construction
 */
public record Registration(ComponentKind kind, String name, Class<?> type, int priority, String configKey,
                           String manifestKey, boolean proxy) {

    /** @return the manifest key, if the service has one */
    public Optional<String> manifest() {
        return Optional.ofNullable(manifestKey);
    }

    @Override
    public String toString() {
        return kind.label() + " '" + name + "' -> " + type.getName() + " (priority " + priority + ")";
    }
}
