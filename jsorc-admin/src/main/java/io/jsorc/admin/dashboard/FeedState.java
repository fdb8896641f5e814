package io.jsorc.admin.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the dashboard remembers between snapshots: each service's last {@value #TIMELINE} timeline entries, when it
 * entered its state, its current backoff, its last health check; the last benchmark seconds and placement changes;
 * the last actions view. Every collection is bounded (services by the registry, the rest by the constants).
 * Written by the feed's thread, read by snapshot builders; guarded by its own lock.
 */
final class FeedState {

    /** Timeline entries kept per service. */
    static final int TIMELINE = 500;
    /** Benchmark seconds kept for a new page's chart. */
    static final int BENCHMARK_SECONDS = 300;
    /** Placement changes kept. */
    static final int PLACEMENTS = 500;
    /** Services remembered (the registry bounds them; this bounds a misbehaving caller). */
    static final int MAX_SERVICES = 10_000;

    private final Map<String, ArrayDeque<Map<String, Object>>> timelines = new HashMap<>();
    private final Map<String, Long> since = new HashMap<>();
    private final Map<String, String> backoff = new HashMap<>();
    private final Map<String, Map<String, Object>> health = new HashMap<>();
    private final ArrayDeque<Map<String, Object>> benchmark = new ArrayDeque<>();
    private final ArrayDeque<Map<String, Object>> placements = new ArrayDeque<>();
    private Map<String, Object> actions = Map.of();

    synchronized void timeline(String service, Map<String, Object> entry) {
        if (!timelines.containsKey(service) && timelines.size() >= MAX_SERVICES) {
            return;
        }
        ArrayDeque<Map<String, Object>> entries = timelines.computeIfAbsent(service, s -> new ArrayDeque<>());
        entries.addLast(entry);
        if (entries.size() > TIMELINE) {
            entries.removeFirst();
        }
    }

    synchronized void entered(String service, long ts) {
        if (since.size() < MAX_SERVICES || since.containsKey(service)) {
            since.put(service, ts);
            backoff.remove(service);
        }
    }

    synchronized void backoff(String service, String detail) {
        if (backoff.size() < MAX_SERVICES || backoff.containsKey(service)) {
            backoff.put(service, detail);
        }
    }

    synchronized void health(String service, Map<String, Object> check) {
        if (health.size() < MAX_SERVICES || health.containsKey(service)) {
            health.put(service, check);
        }
    }

    synchronized void benchmark(Map<String, Object> second) {
        benchmark.addLast(second);
        if (benchmark.size() > BENCHMARK_SECONDS) {
            benchmark.removeFirst();
        }
    }

    synchronized void placement(Map<String, Object> change) {
        placements.addLast(change);
        if (placements.size() > PLACEMENTS) {
            placements.removeFirst();
        }
    }

    synchronized void actions(Map<String, Object> view) {
        actions = view;
    }

    synchronized Map<String, Object> actions() {
        return actions;
    }

    synchronized Long since(String service) {
        return since.get(service);
    }

    synchronized String backoff(String service) {
        return backoff.get(service);
    }

    synchronized Map<String, Object> health(String service) {
        return health.get(service);
    }

    /** {@return copies for a snapshot: timelines, benchmark seconds, placements} */
    synchronized Map<String, Object> copies() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, List<Map<String, Object>>> lines = new LinkedHashMap<>();
        timelines.forEach((service, entries) -> lines.put(service, new ArrayList<>(entries)));
        out.put("timelines", lines);
        out.put("benchmark", new ArrayList<>(benchmark));
        out.put("placements", new ArrayList<>(placements));
        return out;
    }
}
