package io.jsorc;

/** Base of JsOrc's own unchecked exceptions. */
public class JsOrcException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with its message.
     *
     * @param message what went wrong
     */
    public JsOrcException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its message and the failure that caused it.
     *
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public JsOrcException(String message, Throwable cause) {
        super(message, cause);
    }
}
