package io.jsorc.action.tracking;

import io.jsorc.ComponentContext;
import io.jsorc.base.DaemonThreads;
import io.jsorc.metrics.PodMetricsProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * Records the state of the system at a fixed interval, on a daemon of its own: every entry holds {@code ts},
 * {@code actions_state} and, from the first {@link PodMetricsProvider} that answers (the {@code prome} service),
 * {@code prometheus} (the pods of the kube namespace); while no provider answers, the JVM's own CPU load, heap and
 * thread count are recorded instead ({@code jvm}) and the entry says so ({@code source}).
 *
 * <p>Internal to the action manager; public only so that {@code io.jsorc.action} can use it.
 */
public final class SystemTracker {

    private static final Logger log = LoggerFactory.getLogger(SystemTracker.class);

    /** Entries kept by default: a day at one a second, and a few MB; older ones make room for newer. */
    public static final int DEFAULT_CAPACITY = 86_400;

    private final Supplier<Map<String, String>> actionsState;
    private final int capacity;
    /** A ring: the oldest entry goes when a new one would pass the capacity. Guarded by itself. */
    private final java.util.ArrayDeque<Map<String, Object>> history = new java.util.ArrayDeque<>();
    private long overwritten;
    private Thread thread;
    private boolean closed;

    /**
     * Builds a tracker that is not recording.
     *
     * @param actionsState the placement of every module now (module -> {@code local}, {@code remote} or
     *                     {@code unloaded})
     */
    public SystemTracker(Supplier<Map<String, String>> actionsState) {
        this(actionsState, DEFAULT_CAPACITY);
    }

    /**
     * Builds a tracker that is not recording and keeps at most {@code capacity} entries.
     *
     * @param actionsState the placement of every module now
     * @param capacity     how many entries are kept; older ones are dropped first
     */
    public SystemTracker(Supplier<Map<String, String>> actionsState, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, is " + capacity);
        }
        this.actionsState = actionsState;
        this.capacity = capacity;
    }

    private void add(Map<String, Object> entry) {
        synchronized (history) {
            if (history.size() == capacity) {
                history.pollFirst();
                if (overwritten++ == 0) {
                    log.info("System tracking keeps the last {} entries; older ones are dropped", capacity);
                }
            }
            history.addLast(entry);
        }
    }

    /**
     * Reads the recording interval from the config: {@code JSORC_CONFIG.backoff_interval} (seconds), 10 s without it.
     *
     * @param owner the component context to read the config from (may be {@code null})
     * @return the interval
     */
    public static Duration defaultInterval(ComponentContext owner) {
        Object interval = owner == null ? null : owner.config("JSORC_CONFIG").orElse(Map.of()).get("backoff_interval");
        return Duration.ofMillis(interval instanceof Number n ? (long) (n.doubleValue() * 1000) : 10_000);
    }

    /**
     * Starts recording (stopping and clearing an earlier recording).
     *
     * @param owner    the component context the pod metrics are read through (may be {@code null}: JVM only)
     * @param interval how often to record
     */
    public synchronized void start(ComponentContext owner, Duration interval) {
        if (closed) {
            // Its owner closed: a thread started now would record for good, with nobody left to stop it.
            throw new IllegalStateException("System tracking is closed with its action manager");
        }
        stop();
        synchronized (history) {
            history.clear();
            overwritten = 0;
        }
        thread = DaemonThreads.start("jsorc-action-tracksys", () -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    add(entry(owner, interval));
                    Thread.sleep(Math.max(10, interval.toMillis()));
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.debug("System tracking step failed: {}", e.toString());
                }
            }
        });
    }

    /** Stops recording for good: a later {@link #start} is refused. */
    public synchronized void close() {
        closed = true;
        stop();
    }

    /** {@return whether it is recording} */
    public synchronized boolean active() {
        return thread != null;
    }

    /**
     * Hands over a copy of what was recorded so far, recording on.
     *
     * @return the entries recorded since {@link #start} (empty when not recording)
     */
    public List<Map<String, Object>> snapshot() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /**
     * Stops recording and hands over what was recorded.
     *
     * @return the entries recorded since {@link #start} (empty when not recording)
     */
    public synchronized List<Map<String, Object>> stop() {
        Thread tracker = thread;
        thread = null;
        if (tracker == null) {
            return List.of();
        }
        DaemonThreads.interruptAndJoin(tracker, Duration.ofSeconds(5));
        synchronized (history) {
            List<Map<String, Object>> out = List.copyOf(history);
            history.clear();
            return out;
        }
    }

    private Map<String, Object> entry(ComponentContext owner, Duration interval) {
        Map<String, Object> entry = new LinkedHashMap<>();
        Instant now = Instant.now();
        entry.put("ts", now.toString());
        entry.put("actions_state", actionsState.get());
        if (owner != null) {
            for (PodMetricsProvider provider : ServiceLoader.load(PodMetricsProvider.class,
                    SystemTracker.class.getClassLoader())) {
                try {
                    Optional<PodMetricsProvider.PodMetrics> pods = provider.podInfo(owner, now,
                            Math.max(1, interval.toSeconds()));
                    if (pods.isPresent()) {
                        entry.put("prometheus", pods.get().pods());
                        return entry;
                    }
                } catch (RuntimeException e) {
                    entry.put("prometheus_error", e.getMessage());
                }
            }
        }
        entry.put("jvm", jvm());
        entry.put("source", "jvm: the prome service is not running");
        return entry;
    }

    private static Map<String, Object> jvm() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("cpu_load", os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuLoad()
                : os.getSystemLoadAverage());
        Runtime runtime = Runtime.getRuntime();
        jvm.put("heap_used_bytes", runtime.totalMemory() - runtime.freeMemory());
        jvm.put("heap_max_bytes", runtime.maxMemory());
        jvm.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        return jvm;
    }
}
