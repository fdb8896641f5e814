package io.jsorc.admin.jmx;

import io.jsorc.ServiceInfo;
import io.jsorc.action.ActionManager;
import io.jsorc.base.Json;
import io.jsorc.operate.OperatorContext;

import java.util.Map;
import java.util.TreeMap;

/** The {@link OrchestratorMXBean} of one orchestrator, over its {@link OperatorContext}. */
final class OrchestratorBean implements OrchestratorMXBean {

    private final OperatorContext operator;

    OrchestratorBean(OperatorContext operator) {
        this.operator = operator;
    }

    @Override
    public String getId() {
        return operator.id();
    }

    @Override
    public boolean isRegenerationAlive() {
        return operator.regenerationAlive();
    }

    @Override
    public Map<String, String> getServiceStates() {
        Map<String, String> states = new TreeMap<>();
        for (ServiceInfo info : operator.components().status()) {
            states.put(info.name(), info.state().name());
        }
        return states;
    }

    @Override
    public String refresh(String service) {
        if (!operator.serviceNames().contains(service)) {
            throw new IllegalArgumentException("Unknown service '" + service + "'; services: "
                    + operator.serviceNames());
        }
        return operator.refresh(service).state().name();
    }

    @Override
    public String regenerate() {
        return operator.regenerate().toString();
    }

    @Override
    public String benchmarkReport() {
        return Json.write(operator.components().get("action_manager", ActionManager.class).benchmarkReport());
    }
}
