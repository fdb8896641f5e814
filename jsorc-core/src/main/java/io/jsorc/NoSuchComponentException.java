package io.jsorc;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/** A lookup named a service, repository or context that is not registered. */
public class NoSuchComponentException extends JsOrcException {

    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String name;
    private final Set<String> known;

    /**
     * Creates the exception; its message names the kind, the name asked for and the known names of that kind.
     *
     * @param kind  {@code service}, {@code repository} or {@code context}
     * @param name  the name asked for
     * @param known the names of that kind that exist
     */
    public NoSuchComponentException(String kind, String name, Collection<String> known) {
        super("No " + kind + " named '" + name + "' is registered; known " + kind + " names: " + new TreeSet<>(known));
        this.kind = kind;
        this.name = name;
        this.known = Set.copyOf(known);
    }

    /** {@return {@code service}, {@code repository} or {@code context}} */
    public String kind() {
        return kind;
    }

    /** {@return the name asked for} */
    public String name() {
        return name;
    }

    /** {@return the names of that kind that exist} */
    public Set<String> known() {
        return known;
    }
}
