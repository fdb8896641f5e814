package io.jsorc.action;

/** Which placement {@link ActionManager#unload} removes. */
public enum UnloadMode {
    /** Whichever is loaded (remote first when both are). */
    AUTO,
    /** The in-process module. */
    LOCAL,
    /** The remote server. */
    REMOTE
}
