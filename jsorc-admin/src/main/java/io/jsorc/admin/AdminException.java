package io.jsorc.admin;

import io.jsorc.JsOrcException;

/**
 * An admin operation refused its request: answered with the given HTTP status and
 * {@code {"success": false, "message": ...}}, nothing changed.
 */
public class AdminException extends JsOrcException {

    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * Creates a refusal.
     *
     * @param status  the HTTP status (400 bad request, 404 unknown name, 409 a needed part is not running, ...)
     * @param message what was wrong and what is allowed
     */
    public AdminException(int status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * A request the operation cannot take: a missing or mistyped parameter, an invalid value.
     *
     * @param message what was wrong and what is allowed
     * @return a 400 refusal
     */
    public static AdminException badRequest(String message) {
        return new AdminException(400, message);
    }

    /**
     * A name that names nothing: a config, a service, an action module.
     *
     * @param message what was not found and what exists
     * @return a 404 refusal
     */
    public static AdminException notFound(String message) {
        return new AdminException(404, message);
    }

    /**
     * An operation that needs a part that is not running, or that is running already.
     *
     * @param message what is not running
     * @return a 409 refusal
     */
    public static AdminException conflict(String message) {
        return new AdminException(409, message);
    }

    /** {@return the HTTP status of the answer} */
    public int status() {
        return status;
    }
}
