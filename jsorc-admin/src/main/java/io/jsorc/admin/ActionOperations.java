package io.jsorc.admin;

import io.jsorc.action.ActionConfig;
import io.jsorc.action.ActionException;
import io.jsorc.action.ActionManager;
import io.jsorc.action.ActionMode;
import io.jsorc.action.ActionStatus;
import io.jsorc.action.UnloadMode;
import io.jsorc.action.UnloadResult;
import io.jsorc.base.Json;
import io.jsorc.base.SafeYaml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The action-module operations: {@code jsorc_actions_config}, {@code jsorc_actions_load},
 * {@code jsorc_actions_status}, {@code jsorc_actions_unload}, {@code jsorc_actionpolicy_set} and
 * {@code jsorc_actionpolicy_get}, with the original's answer shapes.
 */
final class ActionOperations {

    /** The modes {@code jsorc_actions_load} takes ({@code module} and {@code local} both mean this JVM). */
    static final Set<String> LOAD_MODES = Set.of("module", "local", "remote");
    /** The modes {@code jsorc_actions_unload} takes. */
    static final Set<String> UNLOAD_MODES = Set.of("auto", "module", "local", "remote");
    /** The largest action-config file {@code jsorc_actions_config} reads. */
    static final long MAX_CONFIG_FILE_BYTES = 1L << 20;

    private final Supplier<ActionManager> actions;

    ActionOperations(Supplier<ActionManager> actions) {
        this.actions = actions;
    }

    void addTo(OperationTable table) {
        table.add("jsorc_actions_config", this::config)
                .add("jsorc_actions_load", this::load)
                .add("jsorc_actions_status", this::status)
                .add("jsorc_actions_unload", this::unload)
                .add("jsorc_actionpolicy_set", this::policySet)
                .add("jsorc_actionpolicy_get", params -> {
                    Map<String, Object> policy = actions.get().policy();
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("success", true);
                    answer.put("policy", policy.get("name"));
                    answer.put("params", policy.get("params"));
                    return answer;
                });
    }

    private Map<String, Object> config(Params params) throws IOException {
        String name = params.text("name");
        Object given = params.raw("config");
        Map<String, Object> module;
        if (given instanceof String text && !text.stripLeading().startsWith("{")) {
            module = fromSource(name, text.strip());
        } else {
            module = params.object("config", true);
        }
        try {
            actions.get().config(name, ActionConfig.fromMap(module));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw AdminException.badRequest("Action config of '" + name + "' is invalid: " + e.getMessage()
                    + " (fields: module, jar, local_mem_mb, remote)");
        }
        Map<String, Object> answer = ConfigOperations.success("Action module " + name + " configured");
        return answer;
    }

    /**
     * Reads a config source: a classpath resource, else a file, holding one module's config or an
     * {@code ACTION_CONFIGS} object with an entry for the module (JSON or YAML).
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> fromSource(String name, String source) throws IOException {
        String text;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = (loader != null ? loader : ActionOperations.class.getClassLoader())
                .getResourceAsStream(source.startsWith("/") ? source.substring(1) : source)) {
            if (in != null) {
                text = new String(in.readNBytes((int) MAX_CONFIG_FILE_BYTES), StandardCharsets.UTF_8);
            } else {
                Path file = Path.of(source);
                if (!Files.isRegularFile(file)) {
                    throw AdminException.badRequest("Action config '" + source + "' is no JSON object, classpath "
                            + "resource or file");
                }
                if (Files.size(file) > MAX_CONFIG_FILE_BYTES) {
                    throw AdminException.badRequest("Action config file '" + source + "' is over "
                            + MAX_CONFIG_FILE_BYTES + " bytes");
                }
                text = Files.readString(file);
            }
        }
        Object parsed;
        try {
            parsed = text.stripLeading().startsWith("{") ? Json.parseObject(text, source)
                    : SafeYaml.parser().load(text);
        } catch (RuntimeException e) {
            throw AdminException.badRequest("Action config '" + source + "' does not parse: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw AdminException.badRequest("Action config '" + source + "' must hold an object");
        }
        if (map.containsKey("module")) {
            return (Map<String, Object>) map;
        }
        Object inner = map.containsKey(ActionManager.CONFIG_KEY) ? map.get(ActionManager.CONFIG_KEY) : map;
        if (inner instanceof Map<?, ?> all && all.get(name) instanceof Map<?, ?> entry) {
            return (Map<String, Object>) entry;
        }
        throw AdminException.badRequest("Action config '" + source + "' has no entry for module '" + name + "'");
    }

    private String configured(Params params) {
        String name = params.text("name");
        if (actions.get().configOf(name).isEmpty()) {
            throw AdminException.notFound("Unknown action module '" + name + "'; configured: "
                    + actions.get().configured() + " (configure it with jsorc_actions_config)");
        }
        return name;
    }

    private Map<String, Object> load(Params params) {
        String name = params.text("name");
        String mode = params.text("mode", "module");
        if (!LOAD_MODES.contains(mode)) {
            throw AdminException.badRequest("Unrecognized action mode " + mode + ".");
        }
        configured(params);
        ActionMode target = mode.equals("remote") ? ActionMode.REMOTE : ActionMode.LOCAL;
        try {
            actions.get().load(name, target);
        } catch (ActionException | IllegalArgumentException e) {
            throw AdminException.badRequest("Action module " + name + " was not loaded: " + e.getMessage());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", true);
        answer.put("action_status", status(name));
        return answer;
    }

    private Map<String, Object> status(Params params) {
        String name = params.text("name", "");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", true);
        if (name.isEmpty()) {
            Map<String, Object> all = new TreeMap<>();
            Set<String> names = new java.util.TreeSet<>(actions.get().configured());
            names.addAll(actions.get().status().keySet());
            names.forEach(module -> all.put(module, status(module)));
            answer.put("action_status", all);
        } else {
            configured(params);
            answer.put("action_status", status(name));
        }
        return answer;
    }

    /** The original's status shape: {@code {mode, module: {name, loaded}, remote: {url, status}}}. */
    private Map<String, Object> status(String name) {
        ActionManager manager = actions.get();
        ActionStatus status = manager.status(name);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", status.mode() == null ? null : status.mode() == ActionMode.REMOTE ? "remote" : "module");
        Map<String, Object> module = new LinkedHashMap<>();
        module.put("name", manager.configOf(name).map(ActionConfig::module).orElse(name));
        module.put("loaded", status.localLoaded());
        out.put("module", module);
        Map<String, Object> remote = new LinkedHashMap<>();
        remote.put("url", status.remoteUrl());
        remote.put("status", status.remoteStatus());
        out.put("remote", remote);
        out.put("detail", status.detail());
        return out;
    }

    private Map<String, Object> unload(Params params) {
        String name = configured(params);
        String mode = params.choice("mode", "auto", UNLOAD_MODES);
        UnloadMode target = mode.equals("module") ? UnloadMode.LOCAL
                : UnloadMode.valueOf(mode.toUpperCase(Locale.ROOT));
        UnloadResult result = actions.get().unload(name, target, params.bool("retire_svc", true));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", result.success());
        answer.put("message", result.message());
        return answer;
    }

    private Map<String, Object> policySet(Params params) {
        String policy = params.text("policy_name");
        Map<String, Object> values = params.object("policy_params", false);
        try {
            actions.get().policy(policy, values);
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest(String.valueOf(e.getMessage()).startsWith("Unknown placement policy")
                    ? "Policy " + policy + " not found." : "Policy " + policy + " was not set: " + e.getMessage());
        }
        return ConfigOperations.success("Policy " + policy + " set");
    }
}
