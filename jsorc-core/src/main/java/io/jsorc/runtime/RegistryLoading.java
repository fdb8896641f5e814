package io.jsorc.runtime;

import io.jsorc.base.ClassPreloader;
import io.jsorc.registry.ComponentKind;
import io.jsorc.registry.Registration;
import io.jsorc.registry.Registry;
import io.jsorc.registry.RegistryBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the registry an orchestrator's settings describe (the compile-time index where present, a scan of what no
 * index covers, the explicit registrations), with a {@link ClassPreloader} loading the start's classes beside it.
 */
final class RegistryLoading {

    private RegistryLoading() {
    }

    /**
     * Builds the registry and hands the preloader the registered component classes (their sections of the preload
     * lists); on failure the preloader is closed.
     *
     * @param settings  what the builder collected
     * @param preloader the running preloader
     * @return the registry
     */
    static Registry build(AssemblySettings settings, ClassPreloader preloader) {
        Registry registry;
        try {
            registry = build(settings);
        } catch (RuntimeException | Error e) {
            preloader.close();
            throw e;
        }
        List<String> components = new ArrayList<>();
        for (ComponentKind kind : ComponentKind.values()) {
            for (Registration registration : registry.all(kind)) {
                components.add(registration.className());
            }
        }
        preloader.components(components);
        return registry;
    }

    private static Registry build(AssemblySettings settings) {
        RegistryBuilder builder = Registry.builder().classLoader(settings.classLoader()).useIndex(settings.useIndex());
        List<String> packages = settings.scanPackages();
        if (packages == null || !packages.isEmpty()) {
            String[] accepted = packages == null ? new String[0] : packages.toArray(String[]::new);
            // Roots with a compile-time index are read from it; only roots without one are scanned.
            if (settings.useIndex()) {
                builder.indexOrScan(accepted);
            } else {
                builder.scan(accepted);
            }
        }
        builder.register(settings.classes().toArray(Class<?>[]::new));
        return builder.build();
    }
}
