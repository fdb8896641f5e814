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

    private static final List<String> MARKERS = List.of("pass", "secret", "token", "key");

    private Secrets() {
    }

    /**
     * Tells whether a config field's value is masked, judging by the field's name.
     *
     * @param key a config field name
     * @return whether its value is masked: the name contains {@code pass}, {@code secret}, {@code token} or
     * {@code key}, in any case
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
        Map<String, Object> copy = new LinkedHashMap<>();
        config.forEach((k, v) -> copy.put(k, isSecret(k) && v != null ? MASK : maskValue(v)));
        return java.util.Collections.unmodifiableMap(copy);
    }

    private static Object maskValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> nested = new LinkedHashMap<>();
            map.forEach((k, v) -> nested.put(String.valueOf(k), v));
            return mask(nested);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(maskValue(v)));
            return java.util.Collections.unmodifiableList(copy);
        }
        return value;
    }
}
