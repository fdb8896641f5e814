package io.jsorc;

/** Thrown by {@link CommonService#poke()} when the service is not running. */
public class ServiceNotRunningException extends JsOrcException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with its message.
     *
     * @param message what is not running
     */
    public ServiceNotRunningException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its message and the service's failure.
     *
     * @param message what is not running
     * @param cause   why (the service's failure), may be {@code null}
     */
    public ServiceNotRunningException(String message, Throwable cause) {
        super(message, cause);
    }
}
