package io.jsorc.action;

/**
 * An action call's arguments do not fit the action: a missing or unknown parameter, too many positional arguments,
 * a value of the wrong type. It is the caller's mistake, answered 400 by a remote action server (an action that
 * threw is 500).
 */
public class ActionArgumentException extends ActionException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception naming the argument and what was wrong with it.
     *
     * @param message what did not fit
     */
    public ActionArgumentException(String message) {
        super(message);
    }

    /**
     * Creates an exception naming the argument and what was wrong with it, with the conversion's failure.
     *
     * @param message what did not fit
     * @param cause   why the value could not be converted
     */
    public ActionArgumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
