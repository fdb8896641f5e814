package io.jsorc.registry;

import io.github.classgraph.ClassGraph;
import io.github.classgraph.ScanResult;
import io.jsorc.AmbiguousRegistrationException;
import io.jsorc.Context;
import io.jsorc.InvalidComponentException;
import io.jsorc.Repository;
import io.jsorc.Service;
import io.jsorc.index.ComponentIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects annotated classes (JsOrc's built-in components, a classpath scan, explicit registrations), validates them
 * and resolves each name to its highest-priority class.
 *
 * <p>Built-in components are listed by each JsOrc module in the resource {@value #BUILTIN_RESOURCE} (one class name
 * per line), so they are registered whatever the scan filter, and without a scan.
 */
public final class RegistryBuilder {

    /** Resource through which JsOrc's own modules declare their components. */
    public static final String BUILTIN_RESOURCE = "META-INF/jsorc/builtin-components";

    private static final Logger log = LoggerFactory.getLogger(RegistryBuilder.class);

    private final Set<Class<?>> classes = new LinkedHashSet<>();
    private final List<ComponentIndex.Entry> indexed = new ArrayList<>();
    private List<ComponentIndex.Entry> index;
    private ClassLoader classLoader = defaultClassLoader();
    private boolean builtins = true;
    private boolean useIndex = true;

    RegistryBuilder() {
    }

    /**
     * Sets the class loader that built-in lists and scanned classes are loaded from.
     *
     * @param loader where built-in lists and scanned classes are loaded from
     * @return this
     */
    public RegistryBuilder classLoader(ClassLoader loader) {
        this.classLoader = loader;
        return this;
    }

    /**
     * Chooses whether JsOrc's built-in components are registered (default true).
     *
     * @param include whether JsOrc's built-in components are registered (default true)
     * @return this
     */
    public RegistryBuilder builtins(boolean include) {
        this.builtins = include;
        return this;
    }

    /**
     * Chooses whether compile-time indexes may describe built-in components (default true).
     *
     * @param enabled whether compile-time indexes may describe built-in components (default true); false loads them
     * @return this
     */
    public RegistryBuilder useIndex(boolean enabled) {
        this.useIndex = enabled;
        return this;
    }

    /**
     * Registers classes explicitly. Each must carry {@link Service}, {@link Repository} or {@link Context}.
     *
     * @param types the classes
     * @return this
     */
    public RegistryBuilder register(Class<?>... types) {
        for (Class<?> type : types) {
            if (Registrations.annotationsOf(type).isEmpty()) {
                throw new InvalidComponentException(type.getName()
                        + " carries none of @Service, @Repository, @Context and cannot be registered");
            }
            classes.add(type);
        }
        return this;
    }

    /**
     * Scans packages (and their sub-packages) for annotated classes. Only the annotated classes are loaded.
     * An empty array scans the whole classpath.
     *
     * @param packages package names
     * @return this
     */
    public RegistryBuilder scan(String... packages) {
        return scan(Set.of(), packages);
    }

    private RegistryBuilder scan(Set<String> skippedRoots, String... packages) {
        long started = System.nanoTime();
        ClassGraph graph = new ClassGraph().enableClassInfo().enableAnnotationInfo()
                .overrideClassLoaders(classLoader);
        if (!skippedRoots.isEmpty()) {
            graph.filterClasspathElements(element -> !skippedRoots.contains(ComponentIndex.normalize(element)));
        }
        if (packages.length > 0) {
            graph.acceptPackages(packages);
        } else {
            log.info("Scanning the whole classpath for JsOrc components; narrow it with -Djsorc.scan.packages=...");
        }
        int found = 0;
        try (ScanResult result = graph.scan()) {
            for (Class<? extends java.lang.annotation.Annotation> annotation : Registrations.ANNOTATIONS) {
                for (Class<?> type : result.getClassesWithAnnotation(annotation).loadClasses()) {
                    classes.add(type);
                    found++;
                }
            }
        }
        log.debug("Scanned {} in {} ms: {} annotated classes", packages.length == 0 ? "classpath" : Arrays.toString(packages),
                (System.nanoTime() - started) / 1_000_000, found);
        return this;
    }

    /**
     * Registers the classes listed by the compile-time indexes ({@link io.jsorc.index.ComponentIndex}) in the given
     * packages, instead of scanning. Only the listed (annotated) classes are loaded.
     *
     * @param packages package names; none means every indexed class
     * @return this
     * @throws InvalidComponentException when an indexed class cannot be loaded (a stale index)
     */
    public RegistryBuilder index(String... packages) {
        long started = System.nanoTime();
        List<ComponentIndex.Entry> entries = ComponentIndex.inPackages(index(), Arrays.asList(packages));
        indexed.addAll(entries);
        log.debug("Read the component index for {} in {} ms: {} entries",
                packages.length == 0 ? "all packages" : Arrays.toString(packages),
                (System.nanoTime() - started) / 1_000_000, entries.size());
        return this;
    }

    /**
     * Registers what the compile-time indexes describe, and scans only the classpath roots that carry no index (a
     * module compiled without the annotation processor), so an index never hides the components of another jar.
     *
     * @param packages package names; none means every package
     * @return this
     */
    public RegistryBuilder indexOrScan(String... packages) {
        index(packages);
        Set<String> indexedRoots = ComponentIndex.roots(classLoader);
        if (packages.length == 0) {
            List<String> roots = ClasspathRoots.of(classLoader);
            if (roots != null) {
                // Every root is known: scan only those that may hold components and carry no index, if any.
                List<String> unindexed = ClasspathRoots.mayHoldComponents(roots, indexedRoots, classLoader);
                if (!unindexed.isEmpty()) {
                    log.info("Scanning {} classpath root(s) without a JsOrc index for components: {}",
                            unindexed.size(), unindexed);
                    scanRoots(Set.copyOf(unindexed));
                }
                return this;
            }
        }
        boolean scanNeeded = packages.length == 0;
        for (String pkg : packages) {
            String path = pkg.replace('.', '/');
            try {
                List<URL> found = java.util.Collections.list(classLoader.getResources(path));
                for (URL url : found) {
                    String root = ComponentIndex.rootOf(url, path);
                    if (root == null || !indexedRoots.contains(root)) {
                        scanNeeded = true;
                    }
                }
            } catch (IOException e) {
                scanNeeded = true;
            }
        }
        if (scanNeeded) {
            scan(indexedRoots, packages);
        }
        return this;
    }

    /** Scans exactly these classpath roots (absolute, normalized paths), the whole of each. */
    private void scanRoots(Set<String> roots) {
        long started = System.nanoTime();
        ClassGraph graph = new ClassGraph().enableClassInfo().enableAnnotationInfo()
                .overrideClassLoaders(classLoader)
                .filterClasspathElements(element -> roots.contains(ComponentIndex.normalize(element)));
        int found = 0;
        try (ScanResult result = graph.scan()) {
            for (Class<? extends java.lang.annotation.Annotation> annotation : Registrations.ANNOTATIONS) {
                for (Class<?> type : result.getClassesWithAnnotation(annotation).loadClasses()) {
                    classes.add(type);
                    found++;
                }
            }
        }
        log.debug("Scanned {} in {} ms: {} annotated classes", roots, (System.nanoTime() - started) / 1_000_000,
                found);
    }

    private List<ComponentIndex.Entry> index() {
        if (index == null) {
            index = ComponentIndex.read(classLoader);
        }
        return index;
    }

    /**
     * Validates every collected class and resolves names to winners.
     *
     * @return the registry
     * @throws InvalidComponentException      when a class breaks its annotation's rules (all offenders are named)
     * @throws AmbiguousRegistrationException when two classes win the same name with the same priority
     */
    public Registry build() {
        List<String> problems = new ArrayList<>();
        Map<String, Registration> unique = new LinkedHashMap<>();
        if (builtins) {
            builtinRegistrations(problems).forEach(r -> unique.putIfAbsent(key(r), r));
        }
        for (ComponentIndex.Entry entry : indexed) {
            Registration registration = Registrations.fromIndex(entry, classLoader, problems);
            if (registration != null) {
                unique.putIfAbsent(key(registration), registration);
            }
        }
        for (Class<?> type : classes) {
            for (Registration registration : Registrations.of(type)) {
                String problem = Registrations.validate(registration);
                if (problem != null) {
                    problems.add(problem);
                } else {
                    unique.putIfAbsent(key(registration), registration);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidComponentException(String.join("; ", problems));
        }

        Map<ComponentKind, Map<String, List<Registration>>> byName = new EnumMap<>(ComponentKind.class);
        for (Registration registration : unique.values()) {
            byName.computeIfAbsent(registration.kind(), k -> new HashMap<>())
                    .computeIfAbsent(registration.name(), n -> new ArrayList<>()).add(registration);
        }
        Map<ComponentKind, Map<String, Registration>> winners = new EnumMap<>(ComponentKind.class);
        byName.forEach((kind, names) -> names.forEach((name, candidates) -> {
            candidates.sort(Comparator.comparingInt(Registration::priority).reversed());
            Registration winner = candidates.get(0);
            if (candidates.size() > 1 && candidates.get(1).priority() == winner.priority()) {
                Registration tied = candidates.get(1);
                throw new AmbiguousRegistrationException("Two classes register " + kind.label() + " '" + name
                        + "' with the same priority " + winner.priority() + ": " + winner.className() + " and "
                        + tied.className() + ". Give one of them a higher priority.");
            }
            if (candidates.size() > 1) {
                log.debug("{} '{}' resolves to {} over {}", kind.label(), name, winner.className(),
                        candidates.subList(1, candidates.size()));
            }
            winners.computeIfAbsent(kind, k -> new HashMap<>()).put(name, winner);
        }));
        return new Registry(winners);
    }

    private static String key(Registration registration) {
        return registration.kind() + "|" + registration.name() + "|" + registration.className();
    }

    /** Built-ins: from the index when it describes them (nothing loaded), else by loading the class. */
    private List<Registration> builtinRegistrations(List<String> problems) {
        List<Registration> out = new ArrayList<>();
        Map<String, List<ComponentIndex.Entry>> byClass = new HashMap<>();
        if (useIndex && ComponentIndex.present(classLoader)) {
            for (ComponentIndex.Entry entry : index()) {
                byClass.computeIfAbsent(entry.className(), c -> new ArrayList<>()).add(entry);
            }
        }
        for (String className : builtinNames()) {
            List<ComponentIndex.Entry> described = byClass.get(className);
            if (described != null) {
                for (ComponentIndex.Entry entry : described) {
                    Registration registration = Registrations.fromIndex(entry, classLoader, problems);
                    if (registration != null) {
                        out.add(registration);
                    }
                }
                continue;
            }
            Class<?> type;
            try {
                type = Class.forName(className, false, classLoader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new InvalidComponentException("Built-in component " + className + " listed in "
                        + BUILTIN_RESOURCE + " cannot be loaded: " + e);
            }
            for (Registration registration : Registrations.of(type)) {
                String problem = Registrations.validate(registration);
                if (problem != null) {
                    problems.add(problem);
                } else {
                    out.add(registration);
                }
            }
        }
        return out;
    }

    private List<String> builtinNames() {
        List<String> names = new ArrayList<>();
        try {
            Enumeration<URL> lists = classLoader.getResources(BUILTIN_RESOURCE);
            while (lists.hasMoreElements()) {
                URL url = lists.nextElement();
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        String className = line.strip();
                        if (!className.isEmpty() && !className.startsWith("#") && !names.contains(className)) {
                            names.add(className);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + BUILTIN_RESOURCE, e);
        }
        return names;
    }

    private static ClassLoader defaultClassLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : RegistryBuilder.class.getClassLoader();
    }
}
