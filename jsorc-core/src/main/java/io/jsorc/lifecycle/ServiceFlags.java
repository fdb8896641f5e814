package io.jsorc.lifecycle;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A service's config split into its lifecycle flags ({@code enabled}, {@code automated}, {@code quiet}; all false
 * by default, and a service with no config at all is disabled) and its own fields.
 *
 * @param enabled   whether the service starts
 * @param automated whether the regeneration loop keeps it alive
 * @param quiet     whether its failures are logged
 * @param config    the rest of the config, unmodifiable
 * @param problem   what was wrong with the flags (a flag that is not a boolean), or {@code null}
 */
public record ServiceFlags(boolean enabled, boolean automated, boolean quiet, Map<String, Object> config,
                           String problem) {

    /**
     * Splits a service's raw config.
     *
     * @param service   the service name, for the problem's text
     * @param rawConfig the config as read, or {@code null} when the service has none
     * @return the flags and the rest
     */
    public static ServiceFlags parse(String service, Map<String, Object> rawConfig) {
        Map<String, Object> own = new LinkedHashMap<>();
        if (rawConfig != null) {
            own.putAll(rawConfig);
        }
        StringBuilder problems = new StringBuilder();
        boolean enabled = flag(service, own.remove("enabled"), "enabled", problems) && rawConfig != null;
        boolean automated = flag(service, own.remove("automated"), "automated", problems);
        boolean quiet = flag(service, own.remove("quiet"), "quiet", problems);
        return new ServiceFlags(enabled, automated, quiet, Collections.unmodifiableMap(own),
                problems.length() == 0 ? null : problems.toString());
    }

    private static boolean flag(String service, Object value, String flag, StringBuilder problems) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        if (problems.length() > 0) {
            problems.append("; ");
        }
        problems.append("Config flag '").append(flag).append("' of service '").append(service).append("' is ")
                .append(value).append("; allowed: true or false");
        return false;
    }

    /**
     * Lists the top-level fields whose stored value differs from the value read: a secret placeholder was resolved
     * there, so the field holds a secret wherever the config is shown.
     *
     * @param read   the config as the service reads it
     * @param stored the config as the store keeps it
     * @return the fields, unmodifiable
     */
    public static java.util.Set<String> secretFields(Map<String, Object> read, Map<String, Object> stored) {
        if (read == null || stored == null || read == stored) {
            return java.util.Set.of();
        }
        java.util.Set<String> fields = new java.util.HashSet<>();
        read.forEach((field, value) -> {
            if (!java.util.Objects.equals(value, stored.get(field))) {
                fields.add(field);
            }
        });
        return java.util.Set.copyOf(fields);
    }
}
