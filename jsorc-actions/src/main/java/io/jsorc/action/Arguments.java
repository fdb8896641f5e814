package io.jsorc.action;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Positional and keyword arguments of one call, for {@link ActionManager#call(String, Arguments)}.
 *
 * @param positional positional arguments, in order
 * @param keywords   keyword arguments by parameter name
 */
public record Arguments(List<Object> positional, Map<String, Object> keywords) {

    /** Copies (null elements are allowed in positional arguments). */
    public Arguments {
        positional = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(positional));
        keywords = keywords.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keywords));
    }

    /**
     * Starts a call's arguments with the positional ones.
     *
     * @param positional positional arguments
     * @return arguments with no keywords
     */
    public static Arguments of(Object... positional) {
        return new Arguments(Arrays.asList(positional), Map.of());
    }

    /**
     * Adds a keyword argument.
     *
     * @param name  a parameter name
     * @param value its value
     * @return a copy with that keyword argument added
     */
    public Arguments with(String name, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(keywords);
        more.put(name, value);
        return new Arguments(positional, more);
    }
}
