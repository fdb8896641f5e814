package io.jsorc.base;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Masks config values that look secret before they reach a status page or a log line. */
public final class Secrets {

    /** What a masked value reads as. */
    public static final String MASK = "****";

    private static final List<String> MARKERS = List.of("pass", "secret", "token", "key", "auth", "credential",
            "cookie", "session", "pwd", "bearer");
    /**
     * {@code scheme://user:password@host}: the user-info of a URL, up to its last {@code @}: a password written
     * unescaped may hold {@code @} or {@code /}, and masking a little too much is safe.
     */
    private static final java.util.regex.Pattern USER_INFO =
            java.util.regex.Pattern.compile("(\\b[A-Za-z][A-Za-z0-9+.-]*://)\\S*@");
    /** The query string of a URL ({@code ?token=...}), up to a fragment or white space. */
    private static final java.util.regex.Pattern QUERY =
            java.util.regex.Pattern.compile("(\\b[A-Za-z][A-Za-z0-9+.-]*://[^?\\s]*|(?<![\\w])/[^?\\s]*)\\?[^#\\s]+");

    private Secrets() {
    }

    /**
     * Tells whether a config field's value is masked, judging by the field's name.
     *
     * @param key a config field name
     * @return whether its value is masked: the name contains {@code pass}, {@code secret}, {@code token},
     * {@code key}, {@code auth}, {@code credential}, {@code cookie}, {@code session}, {@code pwd} or {@code bearer},
     * in any case
     */
    public static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String marker : MARKERS) {
            if (lower.contains(marker)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Copies a config with its secret values masked.
     *
     * @param config a config map (nested maps and lists are walked)
     * @return an unmodifiable copy with secret values (non-null) replaced by {@value #MASK}
     */
    public static Map<String, Object> mask(Map<String, ?> config) {
        return mask(config, java.util.Set.of());
    }

    /**
     * Copies a config with its secret values masked: fields that look secret by name, the fields a service declares
     * secret ({@code @Service(secrets = ...)}, at any depth), and the user-info and query string of URLs in text
     * values ({@code redis://user:pw@host/?token=...}).
     *
     * @param config   a config map (nested maps and lists are walked)
     * @param declared field names that are secret whatever they are called
     * @return an unmodifiable copy with secret values (non-null) replaced by {@value #MASK}
     */
    public static Map<String, Object> mask(Map<String, ?> config, java.util.Set<String> declared) {
        Map<String, Object> copy = new LinkedHashMap<>();
        config.forEach((k, v) -> copy.put(k, (isSecret(k) || declared.contains(k)) && v != null ? MASK
                : maskValue(v, declared)));
        return java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Masks the user-info and the query string of every URL in a text; the rest stays readable.
     *
     * @param text a text (a config value, a log line, a request path)
     * @return the text with {@code user:password@} and {@code ?query} replaced by {@value #MASK}
     */
    public static String maskText(String text) {
        if (text == null || (text.indexOf('@') < 0 && text.indexOf('?') < 0)) {
            return text;
        }
        String masked = USER_INFO.matcher(text).replaceAll("$1" + MASK + "@");
        return QUERY.matcher(masked).replaceAll("$1?" + MASK);
    }

    /**
     * A copy of a failure fit for a log line with its stack trace: the same class name, stack and causes (up to a
     * depth of 8), every message passed through {@link #maskText}.
     *
     * @param failure a failure, possibly carrying a URL with its password in its message
     * @return the masked copy; {@code null} for {@code null}
     */
    public static Throwable masked(Throwable failure) {
        return failure == null ? null : new MaskedFailure(failure, 0);
    }

    /** Stands for a failure in a log: its {@code toString} is the original's, masked; no stack of its own is taken. */
    private static final class MaskedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String text;

        MaskedFailure(Throwable original, int depth) {
            super(maskText(original.getMessage()), depth < 8 && original.getCause() != null
                    ? new MaskedFailure(original.getCause(), depth + 1) : null, false, true);
            this.text = maskText(original.toString());
            setStackTrace(original.getStackTrace());
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // the original's stack is set instead
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static Object maskValue(Object value, java.util.Set<String> declared) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> nested = new LinkedHashMap<>();
            map.forEach((k, v) -> nested.put(String.valueOf(k), v));
            return mask(nested, declared);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(maskValue(v, declared)));
            return java.util.Collections.unmodifiableList(copy);
        }
        if (value instanceof String text) {
            return maskText(text);
        }
        return value;
    }
}
