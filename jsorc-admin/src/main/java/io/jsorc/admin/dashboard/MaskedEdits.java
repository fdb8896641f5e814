package io.jsorc.admin.dashboard;

import io.jsorc.base.Secrets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts back what the config editor showed masked and the operator left as shown: the editor displays a config through
 * {@link Secrets#mask} (secret fields as {@value Secrets#MASK} at any depth, URL passwords and query strings hidden),
 * so a save sends those masks back, and storing them would replace the secrets with the mask.
 */
final class MaskedEdits {

    private MaskedEdits() {
    }

    /**
     * Restores, at any depth, each value that equals its masked display; a masked field that has no stored value is
     * dropped (the default applies). Refuses a value that still holds the mask after that: one the operator changed
     * around the mask (a URL's host edited, its hidden password left), which cannot be put back.
     *
     * @param edited   the config as saved
     * @param stored   the config as stored
     * @param declared the service's declared secret fields
     * @return the config to store
     * @throws IllegalArgumentException naming the field that still holds a mask
     */
    static Map<String, Object> restore(Map<String, Object> edited, Map<String, Object> stored, Set<String> declared) {
        @SuppressWarnings("unchecked")
        Map<String, Object> restored = (Map<String, Object>) restore(edited, stored, Secrets.mask(stored, declared));
        String masked = firstMasked(restored, "");
        if (masked != null) {
            throw new IllegalArgumentException("the field " + masked + " still holds the mask " + Secrets.MASK
                    + " of a hidden value that was edited around it; type the whole value again, or leave it as shown");
        }
        return restored;
    }

    private static Object restore(Object edit, Object stored, Object shown) {
        if (edit instanceof Map<?, ?> editMap) {
            Map<?, ?> storedMap = stored instanceof Map<?, ?> m ? m : Map.of();
            Map<?, ?> shownMap = shown instanceof Map<?, ?> m ? m : Map.of();
            Map<String, Object> out = new LinkedHashMap<>();
            editMap.forEach((k, v) -> {
                String key = String.valueOf(k);
                if (Secrets.MASK.equals(v) && !storedMap.containsKey(key)) {
                    return; // a secret shown masked with nothing stored: its default applies
                }
                out.put(key, restore(v, storedMap.get(key), shownMap.get(key)));
            });
            return out;
        }
        if (edit instanceof List<?> editList && stored instanceof List<?> storedList && shown instanceof List<?> shownList
                && editList.size() == storedList.size() && storedList.size() == shownList.size()) {
            List<Object> out = new ArrayList<>(editList.size());
            for (int i = 0; i < editList.size(); i++) {
                out.add(restore(editList.get(i), storedList.get(i), shownList.get(i)));
            }
            return out;
        }
        if (edit instanceof String text && text.contains(Secrets.MASK) && text.equals(shown)) {
            return stored; // left as shown
        }
        return edit;
    }

    private static String firstMasked(Object value, String path) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String found = firstMasked(entry.getValue(), path.isEmpty() ? String.valueOf(entry.getKey())
                        : path + "." + entry.getKey());
                if (found != null) {
                    return found;
                }
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                String found = firstMasked(list.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        } else if (value instanceof String text && text.contains(Secrets.MASK)) {
            return "'" + path + "'";
        }
        return null;
    }
}
