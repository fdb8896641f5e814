package io.jsorc.admin;

import io.jsorc.CommonService;
import io.jsorc.ServiceInfo;
import io.jsorc.base.Json;
import io.jsorc.operate.OperatorContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The service operations: {@code service_info}, {@code service_refresh}, {@code service_config_set} and
 * {@code jsorc_refresh} (also reached as {@code service_refresh} of {@code jsorc} or {@code meta}).
 */
final class ServiceOperations {

    /** The names {@code service_refresh} takes for the orchestrator itself (the original's and its older one). */
    static final Set<String> ORCHESTRATOR_NAMES = Set.of("jsorc", "meta");

    private final OperatorContext operator;

    ServiceOperations(OperatorContext operator) {
        this.operator = operator;
    }

    void addTo(OperationTable table) {
        table.add("service_info", params -> info(operator.components().svc(registered(params))))
                .add("service_refresh", this::refresh)
                .add("service_config_set", this::configSet)
                .add("jsorc_refresh", params -> jsorcRefresh());
    }

    private String registered(Params params) {
        String name = params.text("name");
        if (!operator.serviceNames().contains(name)) {
            throw AdminException.notFound("Unknown service '" + name + "'; services: " + operator.serviceNames());
        }
        return name;
    }

    private Object refresh(Params params) {
        String name = params.text("name");
        if (ORCHESTRATOR_NAMES.contains(name)) {
            jsorcRefresh();
            return ConfigOperations.success("JSORC_CONFIG re-read; the regeneration loop restarted");
        }
        if (registered(params).equals(AdminService.NAME)) {
            Map<String, Object> answer = ConfigOperations.success("Service admin refreshes once this answer is sent: "
                    + "its server restarts, on the port ADMIN_CONFIG gives");
            answer.put("state", operator.current(name).map(s -> s.state().name()).orElse("NOT_STARTED"));
            return new AnswerThen(answer, () -> operator.refresh(name));
        }
        CommonService<?> fresh = operator.refresh(name);
        Map<String, Object> answer = ConfigOperations.success("Service " + name + " refreshed; it is "
                + fresh.state());
        answer.put("state", fresh.state().name());
        return answer;
    }

    private Object configSet(Params params) {
        String name = registered(params);
        Map<String, Object> config = params.object("config", true);
        if (name.equals(AdminService.NAME)) {
            try {
                AdminConfigCheck.checkOverDefault(operator, config); // the refresh after it would lock the API out
            } catch (IllegalArgumentException e) {
                throw AdminException.badRequest("Config of service " + name + " was not stored: " + e.getMessage());
            }
            operator.serviceConfigStore(name, Json.write(config)); // refused here when invalid: nothing stored
            Map<String, Object> answer = info(operator.current(name).orElseThrow());
            answer.put("message", "Config stored; the admin service refreshes once this answer is sent");
            return new AnswerThen(answer, () -> operator.refresh(name));
        }
        return info(operator.serviceConfigSet(name, Json.write(config)));
    }

    private Map<String, Object> jsorcRefresh() {
        try {
            operator.restartRegeneration();
        } catch (IllegalStateException e) {
            throw AdminException.conflict(e.getMessage());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("running_interval", operator.regenerationInterval().toMillis() / 1000.0);
        answer.put("config", operator.jsorcConfig());
        return answer;
    }

    /** A service's snapshot: flags, state, config with secrets masked, the failure. */
    static Map<String, Object> info(CommonService<?> service) {
        ServiceInfo info = service.info();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("name", info.name());
        answer.put("enabled", info.enabled());
        answer.put("automated", info.automated());
        answer.put("quiet", info.quiet());
        answer.put("state", info.state().name());
        answer.put("config", info.config());
        answer.put("error", info.error());
        return answer;
    }
}
