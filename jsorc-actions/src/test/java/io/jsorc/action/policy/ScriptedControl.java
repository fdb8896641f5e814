package io.jsorc.action.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link PlacementControl} without an action manager behind it: no module is loaded, nothing moves, and
 * {@link #loadedModules()} throws while a failure is set, as a control whose store is down would.
 */
final class ScriptedControl implements PlacementControl {

    /** While set, {@link #loadedModules()} throws it. */
    final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    /** How many reads of the loaded modules failed. */
    final AtomicInteger failedReads = new AtomicInteger();

    @Override
    public List<String> loadedModules() {
        RuntimeException failing = failure.get();
        if (failing != null) {
            failedReads.incrementAndGet();
            throw failing;
        }
        return List.of();
    }

    @Override
    public Map<String, String> placements() {
        return Map.of();
    }

    @Override
    public long declaredMemoryMb(String module) {
        return 0;
    }

    @Override
    public long measuredMemoryMb(String module) {
        return 0;
    }

    @Override
    public void place(List<String> modules, Set<String> local) {
        throw new AssertionError("nothing is loaded, so nothing is placed: " + modules);
    }

    @Override
    public void benchmarkStart() {
    }

    @Override
    public Map<String, Object> benchmarkReport() {
        return Map.of();
    }

    @Override
    public Map<String, Object> benchmarkStop(boolean report) {
        return Map.of();
    }
}
