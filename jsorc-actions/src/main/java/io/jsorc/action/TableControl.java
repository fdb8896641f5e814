package io.jsorc.action;

import io.jsorc.action.policy.PlacementControl;
import io.jsorc.action.remote.RemoteStarter;
import io.jsorc.action.tracking.RequestBenchmark;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The {@link PlacementControl} placement policies get: the module table and the request benchmark. */
final class TableControl implements PlacementControl {

    private final ModuleTable table;
    private final Function<String, ActionConfig> configs;
    private final RequestBenchmark benchmark;

    TableControl(ModuleTable table, Function<String, ActionConfig> configs, RequestBenchmark benchmark) {
        this.table = table;
        this.configs = configs;
        this.benchmark = benchmark;
    }

    @Override
    public List<String> loadedModules() {
        return table.loadedModules();
    }

    @Override
    public Map<String, String> placements() {
        Map<String, String> out = new java.util.TreeMap<>();
        table.status().forEach((name, status) -> {
            if (status.mode() != null) {
                out.put(name, status.mode().name());
            }
        });
        return out;
    }

    @Override
    public long declaredMemoryMb(String name) {
        LoadedModule module = table.get(name);
        return module == null ? configs.apply(name).localMemMb() : module.config.localMemMb();
    }

    @Override
    public long measuredMemoryMb(String name) {
        LoadedModule module = table.get(name);
        LocalPlacement local = module == null ? null : module.local;
        return local == null ? module == null ? 0 : module.measuredMb : local.measuredMb;
    }

    @Override
    public void place(List<String> names, Set<String> local) throws InterruptedException {
        for (String name : names) {
            LoadedModule current = table.get(name);
            if (current == null) {
                continue; // unloaded since the policy listed it: a policy never loads a module back
            }
            if (!local.contains(name) && current.remote != null
                    && io.jsorc.action.remote.RemotePlacement.FAILED.equals(current.remote.status())) {
                continue; // its remote server failed for good (restart budget spent): only an operator starts it anew
            }
            if (local.contains(name)) {
                table.load(name, ActionMode.LOCAL);
                LoadedModule module = table.get(name);
                if (module != null && module.remote != null) {
                    table.unload(name, UnloadMode.REMOTE, false);
                }
            } else {
                table.load(name, ActionMode.REMOTE);
                table.awaitReady(name, RemoteStarter.START_TIMEOUT);
                LoadedModule module = table.get(name);
                if (module != null && module.local != null) {
                    module.measuredMb = module.local.measuredMb;
                    table.unload(name, UnloadMode.LOCAL, false);
                }
            }
        }
    }

    @Override
    public void benchmarkStart() {
        benchmark.start();
    }

    @Override
    public Map<String, Object> benchmarkReport() {
        return benchmark.report();
    }

    @Override
    public Map<String, Object> benchmarkStop(boolean report) {
        return benchmark.stop(report);
    }
}
