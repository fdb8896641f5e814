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
 * work instead of waiting in line on it. With a second core idle it takes about 200 ms of the building thread's
 * CPU time off an app on {@code jsorc-core} and {@code jsorc-services}; with one core it changes little.
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
    /** Bounds the queue: far more than any list holds (some hundreds). */
    private static final int MAX_NAMES = 8192;
    /** How long the daemon waits for the component lists before it ends without them. */
    private static final long WAIT_FOR_COMPONENTS_MS = 2000;
    /** Marks the end of the names (compared by identity). */
    private static final String END = new String("end of names");
    private static final ClassPreloader OFF = new ClassPreloader(null, Map.of());

    private final ClassLoader loader;
    private final Map<String, List<String>> sections;
    private final BlockingQueue<String> names = new ArrayBlockingQueue<>(MAX_NAMES + 1);
    private volatile Thread thread;
    private volatile boolean closed;

    private ClassPreloader(ClassLoader loader, Map<String, List<String>> sections) {
        this.loader = loader;
        this.sections = sections;
    }

    /**
     * Reads the lists and starts loading the {@code [*]} section.
     *
     * @param loader where the lists are read from and the classes loaded with
     * @return the running preloader; one that does nothing when preloading is off or nothing is listed
     */
    public static ClassPreloader start(ClassLoader loader) {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
            return OFF;
        }
        Map<String, List<String>> sections = read(loader);
        if (sections.isEmpty()) {
            return OFF;
        }
        ClassPreloader preloader = new ClassPreloader(loader, sections);
        preloader.enqueue(sections.getOrDefault(ALWAYS, List.of()));
        preloader.thread = DaemonThreads.start(THREAD, preloader::run);
        return preloader;
    }

    /**
     * Adds the sections of the registered components, after which the daemon ends once it has loaded them.
     *
     * @param componentClasses the class names of the registered components
     */
    public void components(Collection<String> componentClasses) {
        if (this == OFF) {
            return;
        }
        for (String component : componentClasses) {
            List<String> listed = sections.get(component);
            if (listed != null) {
                enqueue(listed);
            }
        }
        names.offer(END);
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
        names.clear();
        names.offer(END);
        Thread current = thread;
        if (current != null && current != Thread.currentThread()) {
            DaemonThreads.join(current, Duration.ofSeconds(2));
        }
    }

    private void enqueue(List<String> classNames) {
        for (String name : classNames) {
            if (closed || !names.offer(name)) {
                return; // closed, or full: preloading is only a head start, the rest loads on demand
            }
        }
    }

    private void run() {
        long started = System.nanoTime();
        int loaded = 0;
        int skipped = 0;
        try {
            while (!closed) {
                String name = names.poll(WAIT_FOR_COMPONENTS_MS, TimeUnit.MILLISECONDS);
                if (name == null || name == END) {
                    break;
                }
                try {
                    Class.forName(name, false, loader);
                    loaded++;
                } catch (ClassNotFoundException | LinkageError e) {
                    skipped++; // a stale entry, or an optional library that is absent: loads on demand or never
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.debug("Preloaded {} classes ({} not found) in {} ms", loaded, skipped,
                (System.nanoTime() - started) / 1_000_000);
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
