package io.jsorc.action.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives a {@link PlacementPolicy} what it reads from and does to the action manager: the loaded modules, their
 * memory, placing them local or remote, and the request benchmark the host feeds with
 * {@link io.jsorc.action.ActionManager#request}.
 */
public interface PlacementControl {

    /**
     * Lists the loaded modules.
     *
     * @return their names, sorted
     */
    List<String> loadedModules();

    /**
     * Tells where calls to each loaded module go now.
     *
     * @return module to {@code LOCAL} or {@code REMOTE}, sorted; a loaded module that takes no calls is left out
     */
    Map<String, String> placements();

    /**
     * Reads the memory a module declares it needs in-process.
     *
     * @param module a module name (loaded or configured)
     * @return its {@code local_mem_mb}
     */
    long declaredMemoryMb(String module);

    /**
     * Reads the heap growth measured when a module was last loaded in-process.
     *
     * @param module a module name
     * @return the growth in MB, 0 when unknown
     */
    long measuredMemoryMb(String module);

    /**
     * Applies a placement: the modules in {@code local} run in this JVM, the other {@code modules} remotely. A module
     * moving to remote keeps its local copy until the remote server is READY, so no call waits; a remote server moved
     * away is kept running for a fast move back, not retired.
     *
     * @param modules the modules to place
     * @param local   those of them to run in this JVM
     * @throws InterruptedException when interrupted while a remote server starts
     */
    void place(List<String> modules, Set<String> local) throws InterruptedException;

    /** Starts the request benchmark (clearing earlier latencies). */
    void benchmarkStart();

    /**
     * Reports the request benchmark without stopping it.
     *
     * @return per request type and name: count, throughput, average and percentile latencies in ms; empty when not
     * benchmarking
     */
    Map<String, Object> benchmarkReport();

    /**
     * Stops the request benchmark.
     *
     * @param report whether to return the report
     * @return the report (or empty); empty when it was not running
     */
    Map<String, Object> benchmarkStop(boolean report);
}
