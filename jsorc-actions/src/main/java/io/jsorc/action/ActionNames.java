package io.jsorc.action;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Splits {@code module.action} names once per distinct name (a hot path: no substring per call). */
final class ActionNames {

    private static final int MAX_CACHED = 10_000;

    private final Map<String, String[]> split = new ConcurrentHashMap<>();

    /** {@return {@code [module, action]}, or {@code null} when the name has no inner dot} */
    String[] split(String action) {
        String[] parts = split.get(action);
        if (parts == null) {
            int dot = action.indexOf('.');
            if (dot <= 0 || dot == action.length() - 1) {
                return null;
            }
            parts = new String[]{action.substring(0, dot), action.substring(dot + 1)};
            if (split.size() < MAX_CACHED) {
                split.put(action, parts);
            }
        }
        return parts;
    }
}
