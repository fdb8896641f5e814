package io.jsorc.admin;

import io.jsorc.action.ActionManager;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The tracking operations: action tracking ({@code jsorc_trackact_*}), the request benchmark
 * ({@code jsorc_benchmark_*}) and system tracking ({@code jsorc_tracksys_*}).
 */
final class TrackingOperations {

    private final Supplier<ActionManager> actions;

    TrackingOperations(Supplier<ActionManager> actions) {
        this.actions = actions;
    }

    void addTo(OperationTable table) {
        table.add("jsorc_trackact_start", params -> {
                    actions.get().trackActionsStart();
                    return ConfigOperations.success("Action tracking started");
                })
                .add("jsorc_trackact_stop", params -> actions.get().trackActionsStop())
                .add("jsorc_benchmark_start", params -> {
                    actions.get().benchmarkStart();
                    return ConfigOperations.success("Benchmark started");
                })
                .add("jsorc_benchmark_report", params -> actions.get().benchmarkReport())
                .add("jsorc_benchmark_stop", params -> actions.get().benchmarkStop(params.bool("report", true)))
                .add("jsorc_tracksys_start", params -> {
                    actions.get().trackSystemStart();
                    Map<String, Object> answer = ConfigOperations.success("System tracking started");
                    answer.putAll(system(true, List.of()));
                    return answer;
                })
                .add("jsorc_tracksys_report", params -> system(true, actions.get().trackSystemReport()))
                .add("jsorc_tracksys_stop", params -> {
                    boolean active = actions.get().trackingSystem();
                    return system(false, active ? actions.get().trackSystemStop() : List.of());
                });
    }

    /**
     * The original's system-tracking shape: {@code {active, states: [{ts, actions: {name: {mode}}, prometheus |
     * jvm}]}}.
     */
    private Map<String, Object> system(boolean reportActive, List<Map<String, Object>> entries) {
        List<Map<String, Object>> states = new ArrayList<>();
        for (Map<String, Object> entry : entries) {
            Map<String, Object> state = new LinkedHashMap<>();
            entry.forEach((field, value) -> {
                if (field.equals("actions_state") && value instanceof Map<?, ?> modes) {
                    Map<String, Object> byModule = new LinkedHashMap<>();
                    modes.forEach((module, mode) -> byModule.put(String.valueOf(module), Map.of("mode",
                            String.valueOf(mode))));
                    state.put("actions", byModule);
                } else {
                    state.put(field, value);
                }
            });
            states.add(state);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("active", reportActive && actions.get().trackingSystem());
        answer.put("states", states);
        return answer;
    }
}
