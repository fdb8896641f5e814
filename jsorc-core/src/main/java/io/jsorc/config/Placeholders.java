package io.jsorc.config;

import io.jsorc.base.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${NAME:fallback}} (and {@code ${NAME}}) in the string values of a default config, from the
 * environment, then system properties, then the fallback.
 *
 * <p>A string that is exactly one placeholder takes the JSON type of what it resolves to, so
 * {@code "${REDIS_PORT:6379}"} becomes the number 6379 and {@code "${X_ENABLED:false}"} the boolean false. A
 * placeholder with no value and no fallback is an error naming it.
 */
public final class Placeholders {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.\\-]*)(?::([^}]*))?}");
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private final Function<String, String> lookup;

    /**
     * Creates a resolver that looks variables up through {@code lookup}.
     *
     * @param lookup resolves a variable name, or returns {@code null}
     */
    public Placeholders(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    /** {@return placeholders resolved from the process environment, then system properties} */
    public static Placeholders fromEnvironment() {
        return new Placeholders(name -> {
            String value = System.getenv(name);
            return value != null ? value : System.getProperty(name);
        });
    }

    /**
     * Resolves every placeholder in the string values of a JSON-compatible value.
     *
     * @param value a JSON-compatible value (maps and lists are walked)
     * @param where what is being resolved, for error messages
     * @return a copy with every placeholder resolved
     * @throws IllegalArgumentException when a placeholder has neither a value nor a fallback
     */
    public Object resolve(Object value, String where) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), resolve(v, where)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(resolve(v, where)));
            return copy;
        }
        if (value instanceof String text) {
            return resolveString(text, where);
        }
        return value;
    }

    private Object resolveString(String text, String where) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        if (matcher.matches()) {
            return typed(valueOf(matcher, where));
        }
        matcher.reset();
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(valueOf(matcher, where)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private String valueOf(Matcher matcher, String where) {
        String name = matcher.group(1);
        String value = lookup.apply(name);
        if (value != null) {
            return value;
        }
        if (matcher.group(2) != null) {
            return matcher.group(2);
        }
        throw new IllegalArgumentException("Placeholder ${" + name + "} in " + where
                + " has no value: set environment variable or system property " + name
                + ", or give a fallback as ${" + name + ":value}");
    }

    private static Object typed(String value) {
        switch (value) {
            case "true":
                return Boolean.TRUE;
            case "false":
                return Boolean.FALSE;
            case "null":
                return null;
            default:
                break;
        }
        if (NUMBER.matcher(value).matches()) {
            return Json.parseValue(value, "number");
        }
        return value;
    }
}
