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
 * every orchestrator's build loads, {@code [start]} what every start loads, {@code [component class]} what a start
 * loads when that component is registered (the Redis hook: jedis). The start's sections are loaded only once
 * {@link #started()} says a start is coming: an orchestrator that is built and never started (a test, a tool that
 * only looks components up) is not slowed by a thread loading classes it will never use, and no thread waits for a
 * start that may never come (the daemon ends after the build's part; a start begins another). List each section in the
 * order its phase needs them, so the preloader stays ahead. The system property {@value #PROPERTY}{@code =false}
 * turns preloading off.
 */
public final class ClassPreloader implements AutoCloseable {

    /** Resource through which modules list the classes their start-up path loads. */
    public static final String RESOURCE = "META-INF/jsorc/preload";
    /** The section of classes every orchestrator's build loads. */
    public static final String ALWAYS = "*";
    /** The section of classes every orchestrator's start loads. */
    public static final String START = "start";
    /** System property that turns preloading off ({@code false}). */
    public static final String PROPERTY = "jsorc.preload";
    /** The daemon's name. */
    public static final String THREAD = "jsorc-preload";

    private static final Logger log = LoggerFactory.getLogger(ClassPreloader.class);
    /**
     * How long the start's part waits for the registered components before it ends without their sections: a start
     * announced with the build waits for the registry's build, which a classpath scan can make long. A build that
     * fails closes the preloader, which ends the wait at once.
     */
    private static final long WAIT_FOR_COMPONENTS_MS = 10_000;
    private static final ClassPreloader OFF = new ClassPreloader(null);

    private final ClassLoader loader;
    /** The registered components' class names, handed over once (capacity 1: bounded). */
    private final BlockingQueue<List<String>> components = new ArrayBlockingQueue<>(1);
    /** Guards {@link #startAnnounced}, {@link #buildPartDone} and the hand-over from the build's daemon. */
    private final Object lock = new Object();
    private boolean startAnnounced;
    private boolean buildPartDone;
    /** The lists, read by the build's daemon before it loads anything. */
    private volatile Map<String, List<String>> sections = Map.of();
    /** The build's daemon, and the start's when a start came after the build's daemon had ended. */
    private volatile Thread buildThread;
    private volatile Thread startThread;
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
        preloader.buildThread = DaemonThreads.start(THREAD, preloader::runBuild);
        return preloader;
    }

    /**
     * Hands over the registered components, whose sections are loaded once a start is known to come.
     *
     * @param componentClasses the class names of the registered components
     */
    public void components(Collection<String> componentClasses) {
        if (this != OFF) {
            components.offer(List.copyOf(componentClasses));
        }
    }

    /**
     * Says a start has begun, or that one will follow the build at once: the start's sections are loaded after the
     * build's, by the daemon still at work or by a new one when it has ended. Idempotent.
     */
    public void started() {
        if (this == OFF) {
            return;
        }
        synchronized (lock) {
            if (startAnnounced || closed) {
                return;
            }
            startAnnounced = true;
            if (buildPartDone) {
                // No thread waited for a start that might never come: this one does the start's part.
                startThread = DaemonThreads.start(THREAD, this::runStart);
            }
        }
    }

    /** {@return whether no daemon is at work (or none ever ran)} */
    public boolean isDone() {
        return ended(buildThread) && ended(startThread);
    }

    private static boolean ended(Thread daemon) {
        return daemon == null || !daemon.isAlive();
    }

    /** Stops the daemon after the class it is loading, and waits for it (bounded). Idempotent. */
    @Override
    public void close() {
        if (this == OFF) {
            return;
        }
        synchronized (lock) {
            closed = true; // no daemon is started after this
        }
        components.offer(List.of()); // wakes a daemon waiting for the components
        for (Thread daemon : new Thread[]{buildThread, startThread}) {
            if (daemon != null && daemon != Thread.currentThread()) {
                DaemonThreads.join(daemon, Duration.ofSeconds(2));
            }
        }
    }

    /** The build's part: reads the lists, loads {@code [*]}; goes on with the start's part if a start is known. */
    private void runBuild() {
        long began = System.nanoTime();
        int[] counts = new int[2]; // loaded, not found
        sections = read(loader);
        load(sections.getOrDefault(ALWAYS, List.of()), counts);
        boolean goOn;
        synchronized (lock) {
            buildPartDone = true;
            goOn = startAnnounced && !closed;
        }
        logLoaded("the build's", counts, began);
        if (goOn) {
            runStart();
        }
    }

    /** The start's part: {@code [start]}, then the sections of the registered components. */
    private void runStart() {
        long began = System.nanoTime();
        int[] counts = new int[2];
        Map<String, List<String>> lists = sections;
        load(lists.getOrDefault(START, List.of()), counts);
        boolean componentSections = lists.keySet().stream().anyMatch(s -> !s.equals(ALWAYS) && !s.equals(START));
        try {
            // Handed over once the registry is built: at once when the start began after the build, soon when the
            // build was told a start follows.
            List<String> registered = componentSections && !closed
                    ? components.poll(WAIT_FOR_COMPONENTS_MS, TimeUnit.MILLISECONDS) : null;
            for (String component : registered == null ? List.<String>of() : registered) {
                load(lists.getOrDefault(component, List.of()), counts);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        logLoaded("the start's", counts, began);
    }

    private static void logLoaded(String part, int[] counts, long began) {
        log.debug("Preloaded {} classes of {} lists ({} not found) in {} ms", counts[0], part, counts[1],
                (System.nanoTime() - began) / 1_000_000);
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
