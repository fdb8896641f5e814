package io.jsorc.action;

/** Where an action module runs. */
public enum ActionMode {
    /** In this JVM. */
    LOCAL,
    /** As a remote server reached over HTTP. */
    REMOTE;

    /** The original's name for {@link #LOCAL}. */
    public static final ActionMode MODULE = LOCAL;
}
