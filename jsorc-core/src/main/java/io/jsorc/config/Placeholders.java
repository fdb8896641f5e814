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
 *
 * <p>A placeholder that names a secret (its variable name, or the field it is the value of, looks secret:
 * {@link io.jsorc.base.Secrets#isSecret}) is left as it is by {@link #resolvePublic}: the config store keeps
 * {@code ${ELASTIC_AUTH}} rather than the credential, so a shared store (Redis) never holds it, and
 * {@link #resolve} fills it in when the service reads its config.
 */
public final class Placeholders {

    /** The patterns, compiled on first use: most config holds no placeholder, and a start need not compile them. */
    private static final class Patterns {
        static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.\\-]*)(?::([^}]*))?}");
        static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    }

    /** Every placeholder starts with this: a string without it has none, and no pattern needs to look. */
    private static final String OPENING = "${";

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
        return resolve(value, where, false);
    }

    /** As {@link #resolve(Object, String)}; under a secret field a value stays the text it is (never typed). */
    private Object resolve(Object value, String where, boolean secretField) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), resolve(v, where,
                    secretField || io.jsorc.base.Secrets.isSecret(String.valueOf(k)))));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(resolve(v, where, secretField)));
            return copy;
        }
        if (value instanceof String text) {
            return resolveString(text, where, secretField);
        }
        return value;
    }

    /**
     * Resolves the placeholders that name no secret, leaving those that do for {@link #resolve} at read time.
     *
     * @param value a JSON-compatible value (maps and lists are walked)
     * @param where what is being resolved, for error messages
     * @return a copy with every non-secret placeholder resolved
     * @throws IllegalArgumentException when a placeholder has neither a value nor a fallback
     */
    public Object resolvePublic(Object value, String where) {
        return resolvePublic(value, where, false);
    }

    private Object resolvePublic(Object value, String where, boolean secretField) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            // Under a secret field everything is secret, as Secrets.mask treats the whole subtree.
            map.forEach((k, v) -> copy.put(String.valueOf(k), resolvePublic(v, where,
                    secretField || io.jsorc.base.Secrets.isSecret(String.valueOf(k)))));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(resolvePublic(v, where, secretField)));
            return copy;
        }
        if (value instanceof String text) {
            if (!text.contains(OPENING)) {
                return text;
            }
            if (secretField && Patterns.PLACEHOLDER.matcher(text).find()) {
                return text; // the field holds a secret: keep every placeholder in it
            }
            Matcher names = Patterns.PLACEHOLDER.matcher(text);
            while (names.find()) {
                if (io.jsorc.base.Secrets.isSecret(names.group(1))) {
                    return text; // a secret variable: resolved when the service reads its config
                }
            }
            return resolveString(text, where);
        }
        return value;
    }

    /**
     * Tells whether a value still holds a placeholder (a secret one, left for read time).
     *
     * @param value a JSON-compatible value
     * @return whether any string in it holds {@code ${...}}
     */
    public static boolean hasPlaceholder(Object value) {
        if (value instanceof Map<?, ?> map) {
            return map.values().stream().anyMatch(Placeholders::hasPlaceholder);
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(Placeholders::hasPlaceholder);
        }
        return value instanceof String text && text.contains(OPENING) && Patterns.PLACEHOLDER.matcher(text).find();
    }

    private Object resolveString(String text, String where) {
        return resolveString(text, where, false);
    }

    /**
     * Resolves one string. A string that is one placeholder takes the value's JSON type ({@code ${PORT}} becomes a
     * number), except a secret's: a password {@code 1e3} or {@code 007} stays exactly that text.
     */
    private Object resolveString(String text, String where, boolean secretField) {
        if (!text.contains(OPENING)) {
            return text;
        }
        Matcher matcher = Patterns.PLACEHOLDER.matcher(text);
        if (matcher.matches()) {
            String value = valueOf(matcher, where);
            return secretField || io.jsorc.base.Secrets.isSecret(matcher.group(1)) ? value : typed(value);
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
        if (Patterns.NUMBER.matcher(value).matches()) {
            return Json.parseValue(value, "number");
        }
        return value;
    }
}
