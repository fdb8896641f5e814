package io.jsorc.admin;

import io.jsorc.base.Json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parameters of one admin request (its JSON object body, or its multipart fields), read by name with the checks
 * every operation needs: a missing or mistyped parameter is a 400 naming it and what is allowed.
 */
public final class Params {

    private final String operation;
    private final Map<String, Object> values;

    /**
     * Wraps a request's parameters.
     *
     * @param operation the operation, named in error messages
     * @param values    the parameters
     */
    public Params(String operation, Map<String, Object> values) {
        this.operation = operation;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** {@return the operation these parameters were sent to} */
    public String operation() {
        return operation;
    }

    /** {@return every parameter, unmodifiable} */
    public Map<String, Object> all() {
        return values;
    }

    /**
     * Tells whether a parameter was given (a JSON {@code null} counts as not given).
     *
     * @param name the parameter
     * @return whether it has a value
     */
    public boolean has(String name) {
        return values.get(name) != null;
    }

    /**
     * Reads a required, non-empty text parameter.
     *
     * @param name the parameter
     * @return its value
     * @throws AdminException 400 when it is missing, empty or not text
     */
    public String text(String name) {
        Object value = values.get(name);
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw AdminException.badRequest(operation + " needs the parameter '" + name + "' (a non-empty string)");
        }
        if (!(value instanceof String s)) {
            throw AdminException.badRequest(operation + ": parameter '" + name + "' must be a string, not "
                    + Json.write(value));
        }
        return s;
    }

    /**
     * Reads an optional text parameter.
     *
     * @param name     the parameter
     * @param fallback the value when it is missing or empty
     * @return its value, or the fallback
     * @throws AdminException 400 when it is given but not text
     */
    public String text(String name, String fallback) {
        return has(name) && !(values.get(name) instanceof String s && s.isEmpty()) ? text(name) : fallback;
    }

    /**
     * Reads a text parameter that must be one of the allowed values.
     *
     * @param name     the parameter
     * @param fallback the value when it is missing
     * @param allowed  the allowed values
     * @return its value
     * @throws AdminException 400 when it is not one of them
     */
    public String choice(String name, String fallback, Set<String> allowed) {
        String value = text(name, fallback);
        if (!allowed.contains(value)) {
            throw AdminException.badRequest(operation + ": parameter '" + name + "' is '" + value + "'; allowed: "
                    + String.join(", ", allowed));
        }
        return value;
    }

    /**
     * Reads an optional boolean; the strings {@code "true"} and {@code "false"} count (the CLI sends them).
     *
     * @param name     the parameter
     * @param fallback the value when it is missing
     * @return its value
     * @throws AdminException 400 when it is given but is no boolean
     */
    public boolean bool(String name, boolean fallback) {
        Object value = values.get(name);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw AdminException.badRequest(operation + ": parameter '" + name + "' is " + Json.write(value)
                + "; allowed: true or false");
    }

    /**
     * Reads an optional whole number; a string holding one counts (the CLI sends them).
     *
     * @param name     the parameter
     * @param fallback the value when it is missing
     * @param min      the smallest allowed value
     * @param max      the largest allowed value
     * @return its value
     * @throws AdminException 400 when it is not a whole number in range
     */
    public long number(String name, long fallback, long min, long max) {
        Object value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = value instanceof Number n && n.doubleValue() == n.longValue() ? n.longValue()
                    : Long.parseLong(String.valueOf(value).strip());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw AdminException.badRequest(operation + ": parameter '" + name + "' is " + Json.write(value)
                + "; allowed: a whole number from " + min + " to " + max);
    }

    /**
     * Reads a parameter that holds a JSON object, given as an object or as a string holding one (what the original
     * clients and the CLI send).
     *
     * @param name     the parameter
     * @param required whether it must be given
     * @return the object, or an empty map when it is missing and not required
     * @throws AdminException 400 when it is missing (and required) or is no JSON object
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> object(String name, boolean required) {
        Object value = values.get(name);
        if (value == null) {
            if (required) {
                throw AdminException.badRequest(operation + " needs the parameter '" + name + "' (a JSON object)");
            }
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        if (value instanceof String s) {
            try {
                return Json.parseObject(s, operation + " parameter '" + name + "'");
            } catch (IllegalArgumentException e) {
                throw AdminException.badRequest(e.getMessage());
            }
        }
        throw AdminException.badRequest(operation + ": parameter '" + name + "' must be a JSON object (or a string "
                + "holding one), not " + Json.write(value));
    }

    /**
     * Reads a list of strings, given as a JSON array or as one string.
     *
     * @param name the parameter
     * @return its values, empty when it is missing
     * @throws AdminException 400 when it holds anything but strings
     */
    public List<String> texts(String name) {
        Object value = values.get(name);
        if (value == null) {
            return List.of();
        }
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw AdminException.badRequest(operation + ": parameter '" + name + "' must be a string or an array of "
                + "strings");
    }

    /**
     * Returns a parameter as it was sent.
     *
     * @param name the parameter
     * @return its value, or {@code null}
     */
    public Object raw(String name) {
        return values.get(name);
    }
}
