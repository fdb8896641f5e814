package io.jsorc.base;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Loads, on a short-lived daemon thread ({@value #THREAD}), the classes an orchestrator's build and start are about
 * to need, so that reading and defining them (most of a fresh JVM's start-up) overlaps with the building thread's
 * work instead of waiting in line on it. It takes about 150 ms of the building thread's CPU time off an app on
 * {@code jsorc-core} and {@code jsorc-services}; the wall time gains that much only while a second core is free, and
 * with an AppCDS archive (classes mapped, not parsed) there is nothing left for it to do.
 *
 * <p>It only loads ({@code Class.forName(name, false, loader)}): nothing is linked or initialized on this thread, so
 * no static initializer runs here and no class-initialization deadlock can arise; the building thread, asking for a
 * class the preloader is loading, waits for that one class. A name that cannot be loaded is skipped.
 *
 * <p>The lists are the resources {@value #RESOURCE}, one class name per line, in sections: {@code [*]} lists what
 * every orchestrator loads, {@code [component class]} what it loads when that component is registered (the Redis
 * hook: jedis). List them in the order the start needs them, so the preloader stays ahead. The system property
 * {@value #PROPERTY}{@code =false} turns preloading off.
 */
public final class ClassPreloader implements AutoCloseable {

    /** Resource through which modules list the classes their start-up path loads. */
    public static final String RESOURCE = "META-INF/jsorc/preload";
    /** The section of classes every orchestrator loads. */
    public static final String ALWAYS = "*";
    /** System property that turns preloading off ({@code false}). */
    public static final String PROPERTY = "jsorc.preload";
    /** The daemon's name. */
    public static final String THREAD = "jsorc-preload";

    private static final Logger log = LoggerFactory.getLogger(ClassPreloader.class);
    /** How long the daemon waits for the registered components before it ends without their sections. */
    private static final long WAIT_FOR_COMPONENTS_MS = 2000;
    private static final ClassPreloader OFF = new ClassPreloader(null);

    private final ClassLoader loader;
    /** The registered components' class names, handed over once (capacity 1: bounded). */
    private final BlockingQueue<List<String>> components = new ArrayBlockingQueue<>(1);
    private volatile Thread thread;
    private volatile boolean closed;

    private ClassPreloader(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * Starts the daemon, which reads the lists and loads the {@code [*]} section; the building thread only starts it.
     *
     * @param loader where the lists are read from and the classes loaded with
     * @return the running preloader; one that does nothing when preloading is off
     */
    public static ClassPreloader start(ClassLoader loader) {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
            return OFF;
        }
        ClassPreloader preloader = new ClassPreloader(loader);
        preloader.thread = DaemonThreads.start(THREAD, preloader::run);
        return preloader;
    }

    /**
     * Hands over the registered components: the daemon loads their sections, then ends.
     *
     * @param componentClasses the class names of the registered components
     */
    public void components(Collection<String> componentClasses) {
        if (this != OFF) {
            components.offer(List.copyOf(componentClasses));
        }
    }

    /** {@return whether the daemon has ended (or never ran)} */
    public boolean isDone() {
        Thread current = thread;
        return current == null || !current.isAlive();
    }

    /** Stops the daemon after the class it is loading, and waits for it (bounded). Idempotent. */
    @Override
    public void close() {
        if (this == OFF) {
            return;
        }
        closed = true;
        components.offer(List.of()); // wakes a daemon waiting for the components
        Thread current = thread;
        if (current != null && current != Thread.currentThread()) {
            DaemonThreads.join(current, Duration.ofSeconds(2));
        }
    }

    private void run() {
        long started = System.nanoTime();
        int[] counts = new int[2]; // loaded, not found
        Map<String, List<String>> sections = read(loader);
        load(sections.getOrDefault(ALWAYS, List.of()), counts);
        try {
            boolean guarded = sections.size() > (sections.containsKey(ALWAYS) ? 1 : 0);
            List<String> registered = closed || !guarded ? List.of()
                    : components.poll(WAIT_FOR_COMPONENTS_MS, TimeUnit.MILLISECONDS);
            for (String component : registered == null ? List.<String>of() : registered) {
                load(sections.getOrDefault(component, List.of()), counts);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.debug("Preloaded {} classes ({} not found) in {} ms", counts[0], counts[1],
                (System.nanoTime() - started) / 1_000_000);
    }

    private void load(List<String> classNames, int[] counts) {
        for (String name : classNames) {
            if (closed) {
                return;
            }
            try {
                Class.forName(name, false, loader);
                counts[0]++;
            } catch (ClassNotFoundException | LinkageError e) {
                counts[1]++; // a stale entry, or an optional library that is absent: loads on demand or never
            }
        }
    }

    /**
     * Reads the lists: the sections of every {@value #RESOURCE}, in classpath order; a name listed twice is kept once.
     *
     * @param loader where the lists are read from
     * @return section ({@value #ALWAYS} or a component class name) to class names; empty when none can be read
     */
    public static Map<String, List<String>> read(ClassLoader loader) {
        Map<String, Set<String>> sections = new LinkedHashMap<>();
        try {
            Enumeration<URL> lists = loader.getResources(RESOURCE);
            while (lists.hasMoreElements()) {
                URL url = lists.nextElement();
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
                    Set<String> section = null;
                    String line;
                    while ((line = reader.readLine()) != null) {
                        String entry = line.strip();
                        if (entry.isEmpty() || entry.startsWith("#")) {
                            continue;
                        }
                        if (entry.startsWith("[") && entry.endsWith("]")) {
                            section = sections.computeIfAbsent(entry.substring(1, entry.length() - 1).strip(),
                                    k -> new LinkedHashSet<>());
                        } else if (section != null) {
                            section.add(entry);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Preloading is an optimisation: an unreadable list means classes load on demand, as without it.
            log.debug("Cannot read {}: classes load on demand", RESOURCE, e);
            return Map.of();
        }
        Map<String, List<String>> lists = new LinkedHashMap<>();
        sections.forEach((section, classNames) -> lists.put(section, List.copyOf(classNames)));
        return lists;
    }
}
