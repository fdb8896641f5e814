package io.jsorc.admin;

import io.jsorc.lifecycle.ServiceFlags;
import io.jsorc.operate.OperatorContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Refuses an {@code ADMIN_CONFIG} the admin service could not run with, before it is stored: stored through the admin
 * API itself, a bad port or an empty token would fail the refresh that follows, leave the API down, and stay in the
 * store for every restart, with only direct store access left to repair it. The dashboard gets it as a function
 * ({@code io.jsorc.admin.dashboard} sits below this package).
 */
final class AdminConfigCheck {

    private AdminConfigCheck() {
    }

    /**
     * Checks fields about to be stored through {@code service_config_set} (merged over the default, as it stores them).
     *
     * @param operator the operator's view of the orchestrator
     * @param fields   the fields given
     * @throws IllegalArgumentException naming what is wrong and what is allowed; nothing is stored then
     */
    static void checkOverDefault(OperatorContext operator, Map<String, Object> fields) {
        check(operator, operator.configStore().mergedOverDefault(AdminSettings.CONFIG_KEY, fields));
    }

    /**
     * Checks a value about to be stored as the whole {@code ADMIN_CONFIG}, when it leaves the service enabled.
     *
     * @param operator the operator's view of the orchestrator
     * @param merged   the value to store
     * @throws IllegalArgumentException naming what is wrong and what is allowed; nothing is stored then
     */
    static void check(OperatorContext operator, Map<String, Object> merged) {
        // Decided as the service decides it: on the resolved value ("${JSORC_ADMIN_ENABLED:false}" is enabled where
        // the variable is true) and with the service's own flag parsing ("true" as text is enabled too).
        Map<String, Object> resolved = operator.configStore().resolved(merged, AdminSettings.CONFIG_KEY);
        ServiceFlags flags = ServiceFlags.parse(AdminService.NAME, resolved);
        if (flags.problem() != null) {
            throw new IllegalArgumentException(flags.problem()); // the service would fail on it
        }
        if (!flags.enabled()) {
            return; // a disabled admin service reads no other field
        }
        try {
            AdminSettings.from(resolved);
        } catch (IllegalStateException e) { // the empty token
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Checks that deleting {@code ADMIN_CONFIG} leaves a default the service can run with: the next refresh (on
     * every replica sharing the store, at once) reads the default then.
     *
     * @param operator the operator's view of the orchestrator
     * @throws IllegalArgumentException naming what the default lacks; nothing is deleted then
     */
    static void checkDelete(OperatorContext operator) {
        try {
            check(operator, operator.configStore().mergedOverDefault(AdminSettings.CONFIG_KEY, Map.of()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its default, which the admin service would read instead, could not "
                    + "run: " + e.getMessage(), e);
        }
    }

    /**
     * Checks {@code ADMIN_CONFIG} with one field changed.
     *
     * @param operator the operator's view of the orchestrator
     * @param field    the field
     * @param value    its new value
     */
    static void checkUpdate(OperatorContext operator, String field, Object value) {
        Map<String, Object> next = new LinkedHashMap<>(operator.configStore().read(AdminSettings.CONFIG_KEY)
                .orElse(Map.of()));
        next.put(field, value);
        check(operator, next);
    }
}
