package io.jsorc.runtime;

import io.jsorc.OrchestratorExtension;
import io.jsorc.ServiceListener;
import io.jsorc.cluster.LeaderElection;
import io.jsorc.cluster.ManifestApplier;
import io.jsorc.config.Hook;
import io.jsorc.config.Placeholders;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an orchestrator's builder collected, handed to {@link Assembly} in one piece.
 *
 * @param scanPackages packages to scan, {@code null} for the whole classpath, empty for none
 * @param classes      classes registered explicitly
 * @param overrides    config defaults replacing resource defaults, key to JSON
 * @param configKeys   config keys declared by the host
 * @param listeners    transition listeners added at build
 * @param appliers     manifest appliers, {@code null} to find them with {@link java.util.ServiceLoader}
 * @param extensions   extensions in addition to those {@link java.util.ServiceLoader} finds
 * @param classLoader  where classes, built-in lists and default resources come from
 * @param placeholders how {@code ${NAME:fallback}} in defaults is resolved
 * @param useIndex     whether compile-time indexes replace the classpath scan where present
 * @param hook         the config backend to use, {@code null} for the winning {@code @Repository(name = "hook")}
 * @param elections    leader election backends, {@code null} to find them with {@link java.util.ServiceLoader}
 */
public record AssemblySettings(List<String> scanPackages, List<Class<?>> classes, Map<String, String> overrides,
                               Set<String> configKeys, List<ServiceListener> listeners,
                               List<ManifestApplier> appliers, List<OrchestratorExtension> extensions,
                               ClassLoader classLoader, Placeholders placeholders, boolean useIndex, Hook hook,
                               List<LeaderElection> elections) {
}
