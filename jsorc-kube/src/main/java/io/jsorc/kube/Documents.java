package io.jsorc.kube;

import java.util.Map;

/** Reading fields of Kubernetes documents held as maps. */
final class Documents {

    private Documents() {
    }

    static Object path(Map<String, Object> object, String... fields) {
        Object current = object;
        for (String field : fields) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(field);
        }
        return current;
    }

    static long number(Object value, long fallback) {
        return value instanceof Number n ? n.longValue() : fallback;
    }
}
