package io.jsorc.action;

import io.jsorc.JsOrcException;

/** An action call failed: unknown action, arguments that do not bind, or the action (local or remote) threw. */
public class ActionException extends JsOrcException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception saying what failed.
     *
     * @param message what failed
     */
    public ActionException(String message) {
        super(message);
    }

    /**
     * Creates an exception saying what failed, with its cause.
     *
     * @param message what failed
     * @param cause   the underlying failure
     */
    public ActionException(String message, Throwable cause) {
        super(message, cause);
    }
}
