package io.jsorc.action.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts action calls and records placement changes while tracking is on: every call is counted (count, mean
 * latency) per action, and every placement change is written to the history with the placements after it.
 *
 * <p>Internal to the action manager; public only so that {@code io.jsorc.action} can use it.
 */
public final class ActionTracker {

    /** Builds an inactive tracker. */
    public ActionTracker() {
    }

    /** The most placement changes kept while tracking; beyond it the oldest change after the start is dropped. */
    public static final int MAX_ENTRIES = 10_000;
    /** Distinct action names counted apart; calls to any other name are counted under {@value #OTHER_ACTIONS}. */
    public static final int MAX_ACTIONS = 1_000;
    /** Where calls past {@link #MAX_ACTIONS} distinct names are counted. */
    public static final String OTHER_ACTIONS = "(other actions)";

    private record Calls(LongAdder count, LongAdder nanos) { }

    private final Map<String, Calls> calls = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> history = new ArrayList<>();
    private volatile boolean active;

    /**
     * Starts tracking, clearing what was recorded before.
     *
     * @param state the placement of every module now (module -> {@code local}, {@code remote} or {@code unloaded})
     */
    public synchronized void start(Map<String, String> state) {
        calls.clear();
        history.clear();
        active = true;
        history.add(entry(state));
    }

    /**
     * Tells whether tracking is on.
     *
     * @return whether it is
     */
    public boolean active() {
        return active;
    }

    /**
     * Counts one call when tracking is on.
     *
     * @param action {@code module.action}
     * @param nanos  how long it took
     */
    public void call(String action, long nanos) {
        if (active) {
            // Names come from callers (an unknown action is counted too): past MAX_ACTIONS, they share one entry.
            String key = calls.containsKey(action) || calls.size() < MAX_ACTIONS ? action : OTHER_ACTIONS;
            Calls c = calls.computeIfAbsent(key, a -> new Calls(new LongAdder(), new LongAdder()));
            c.count().increment();
            c.nanos().add(nanos);
        }
    }

    /**
     * Records a placement change when tracking is on.
     *
     * @param state the placement of every module after the change
     */
    public synchronized void placementChanged(Map<String, String> state) {
        if (active) {
            if (history.size() >= MAX_ENTRIES) {
                history.remove(1); // the first entry (the start) stays; the oldest change after it goes
            }
            history.add(entry(state));
        }
    }

    /**
     * Stops tracking and hands over the history.
     *
     * @param state the placement of every module now
     * @return {@code {ts, actions_state}} per change (the start first), the last one also holding
     * {@code actions_calls}; empty when not tracking
     */
    public synchronized List<Map<String, Object>> stop(Map<String, String> state) {
        if (!active) {
            return List.of();
        }
        active = false;
        // As the original: the call counts are merged into the last entry (the placement they ran under when
        // nothing changed since), not appended as an entry of their own.
        Map<String, Object> last = history.isEmpty() ? null : history.get(history.size() - 1);
        if (last == null) {
            last = entry(state);
            history.add(last);
        }
        Map<String, Object> summary = new TreeMap<>();
        calls.forEach((action, c) -> {
            long count = c.count().sum();
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("count", count);
            stats.put("mean_ms", count == 0 ? 0.0 : c.nanos().sum() / 1e6 / count);
            summary.put(action, stats);
        });
        last.put("actions_calls", summary);
        List<Map<String, Object>> out = List.copyOf(history);
        history.clear();
        calls.clear();
        return out;
    }

    private static Map<String, Object> entry(Map<String, String> state) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("ts", Instant.now().toString());
        entry.put("actions_state", new TreeMap<>(state));
        return entry;
    }
}
