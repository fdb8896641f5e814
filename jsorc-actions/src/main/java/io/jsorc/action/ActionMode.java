package io.jsorc.action;

/** Where an action module runs. */
public enum ActionMode {
    /** In this JVM. */
    LOCAL,
    /** As a remote server reached over HTTP. */
    REMOTE;

    /** Another name for {@link #LOCAL}: a module loaded in-process. */
    public static final ActionMode MODULE = LOCAL;
}
