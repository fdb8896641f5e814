package io.jsorc.registry;

/** The three kinds of registered component, one per annotation. */
public enum ComponentKind {
    /** {@link io.jsorc.Service}: a started singleton. */
    SERVICE("service"),
    /** {@link io.jsorc.Repository}: a new instance per lookup. */
    REPOSITORY("repository"),
    /** {@link io.jsorc.Context}: a new instance per lookup, or a persisting one. */
    CONTEXT("context");

    private final String label;

    ComponentKind(String label) {
        this.label = label;
    }

    /** {@return the lower-case word used in messages} */
    public String label() {
        return label;
    }
}
