package io.jsorc.admin;

import io.jsorc.base.Json;
import io.jsorc.config.ConfigStore;
import io.jsorc.config.Durability;
import io.jsorc.config.Hook;
import io.jsorc.operate.OperatorContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The config operations: {@code config_index}, {@code config_list}, {@code config_get}, {@code config_set},
 * {@code config_update}, {@code config_exists}, {@code config_delete}.
 *
 * <p>With {@code do_check} (the default) only the names the config store knows are accepted, and their values are
 * validated as {@code configSet} does. {@code do_check: false} widens the names to any of 1-128 characters of
 * {@code [A-Za-z0-9_.:-]}, whose values may be any JSON value; a known name is validated either way, so an operator
 * cannot store a value its service could not read.
 */
final class ConfigOperations {

    /** The names {@code do_check: false} accepts. */
    static final Pattern FREE_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private final OperatorContext operator;

    ConfigOperations(OperatorContext operator) {
        this.operator = operator;
    }

    void addTo(OperationTable table) {
        table.add("config_index", params -> store().knownKeys())
                .add("config_list", params -> list())
                .add("config_get", this::get)
                .add("config_set", params -> refreshingAdmin(params, set(params)))
                .add("config_update", params -> refreshingAdmin(params, update(params)))
                .add("config_exists", this::exists)
                .add("config_delete", params -> refreshingAdmin(params, delete(params)));
    }

    /**
     * A stored change of {@code ADMIN_CONFIG} refreshes the admin service once the answer is sent, as
     * {@code service_config_set admin} does: a new token must stop the old one here at once (other replicas sharing the
     * store restart their admin service when they hear of the change), and its sessions and streams with it.
     */
    private Object refreshingAdmin(Params params, Map<String, Object> answer) {
        if (!params.text("name").equals(AdminSettings.CONFIG_KEY)) {
            return answer;
        }
        answer.put("message", answer.get("message") + "; the admin service refreshes once this answer is sent");
        return new AnswerThen(answer, () -> operator.refresh(AdminService.NAME));
    }

    private ConfigStore store() {
        return operator.configStore();
    }

    private Set<String> list() {
        Set<String> names = new TreeSet<>(store().list());
        names.addAll(store().hook().globKeys());
        return names;
    }

    /** Checks the name: known with {@code do_check}, else of the free-name form; tells whether it is known. */
    private boolean known(Params params, String name) {
        if (store().isKnown(name)) {
            return true;
        }
        if (params.bool("do_check", true)) {
            throw AdminException.notFound("Unknown config name '" + name + "'; known names: " + store().knownKeys()
                    + " (send \"do_check\": false to use another name)");
        }
        if (!FREE_NAME.matcher(name).matches()) {
            throw AdminException.badRequest("Config name '" + clip(name) + "' is not allowed; allowed: 1-128 "
                    + "characters of A-Z a-z 0-9 _ . : -");
        }
        return false;
    }

    private Object get(Params params) {
        String name = params.text("name");
        if (known(params, name)) {
            if (!params.bool("do_check", true)) {
                return store().hook().getGlob(name).map(ConfigOperations::parsed).orElse(null);
            }
            try {
                return Json.parseValue(store().get(name), "config " + name);
            } catch (java.util.NoSuchElementException e) {
                throw AdminException.notFound(e.getMessage());
            }
        }
        return store().hook().getGlob(name).map(ConfigOperations::parsed).orElse(null);
    }

    private Map<String, Object> set(Params params) throws Exception {
        String name = params.text("name");
        if (!params.all().containsKey("value")) {
            throw AdminException.badRequest("config_set needs the parameter 'value' (a JSON value, or a string "
                    + "holding JSON)");
        }
        Object value = params.raw("value");
        if (known(params, name)) {
            String json = value instanceof String s ? s : Json.write(value);
            try {
                if (name.equals(AdminSettings.CONFIG_KEY)) {
                    AdminConfigCheck.check(operator, Json.parseObject(json, "config " + name));
                }
                store().set(name, json, Durability.REQUIRED);
            } catch (IllegalArgumentException e) {
                throw AdminException.badRequest("Config " + name + " was not stored: " + e.getMessage());
            }
        } else {
            Object stored = value instanceof String s ? parsedOrText(s) : value;
            Hook hook = store().hook();
            hook.setGlob(name, Json.write(stored), Durability.REQUIRED);
            hook.commit();
        }
        return success("Config " + name + " stored");
    }

    private Map<String, Object> update(Params params) {
        String name = params.text("name");
        String field = params.text("field_key");
        if (!params.all().containsKey("field_value")) {
            throw AdminException.badRequest("config_update needs the parameter 'field_value' (a JSON value, or a "
                    + "string holding JSON)");
        }
        Object value = params.raw("field_value");
        Object parsed = value instanceof String s ? parsedOrText(s) : value;
        if (known(params, name)) {
            try {
                if (name.equals(AdminSettings.CONFIG_KEY)) {
                    AdminConfigCheck.checkUpdate(operator, field, parsed);
                }
                store().update(name, field, Json.write(parsed), Durability.REQUIRED);
            } catch (IllegalArgumentException e) {
                throw AdminException.badRequest("Config " + name + " was not updated: " + e.getMessage());
            }
        } else {
            Hook hook = store().hook();
            Optional<String> stored = hook.getGlob(name);
            if (stored.isEmpty()) {
                throw AdminException.notFound("Config " + name + " has no value to update; set it first");
            }
            if (!(parsed(stored.get()) instanceof Map<?, ?> current)) {
                throw AdminException.badRequest("Config " + name + " is not a JSON object; only an object's field "
                        + "can be updated");
            }
            Map<String, Object> next = new LinkedHashMap<>();
            current.forEach((k, v) -> next.put(String.valueOf(k), v));
            next.put(field, parsed);
            hook.setGlob(name, Json.write(next), Durability.REQUIRED);
            hook.commit();
        }
        return success("Config " + name + "." + field + " updated");
    }

    private boolean exists(Params params) {
        String name = params.text("name");
        return store().isKnown(name) ? store().exists(name) : store().hook().getGlob(name).isPresent();
    }

    private Map<String, Object> delete(Params params) {
        String name = params.text("name");
        if (known(params, name)) {
            try {
                if (name.equals(AdminSettings.CONFIG_KEY)) {
                    AdminConfigCheck.checkDelete(operator);
                }
            } catch (IllegalArgumentException e) {
                throw AdminException.badRequest("Config " + name + " was not deleted: " + e.getMessage());
            }
            store().delete(name, Durability.REQUIRED); // reports success only once it is gone from the store
        } else {
            Hook hook = store().hook();
            if (hook.getGlob(name).isEmpty()) {
                throw AdminException.notFound("Config " + name + " has no value to delete");
            }
            hook.deleteGlob(name, Durability.REQUIRED);
            hook.commit();
        }
        return success("Config " + name + " deleted");
    }

    /** A stored value as JSON, or as the text it is when it is no JSON (written before by another client). */
    private static Object parsed(String stored) {
        return parsedOrText(stored);
    }

    private static Object parsedOrText(String text) {
        try {
            return Json.parseValue(text, "value");
        } catch (IllegalArgumentException notJson) {
            return text;
        }
    }

    private static String clip(String name) {
        return name.length() <= 40 ? name : name.substring(0, 40) + "...";
    }

    static Map<String, Object> success(String message) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", true);
        answer.put("message", message);
        return answer;
    }
}
