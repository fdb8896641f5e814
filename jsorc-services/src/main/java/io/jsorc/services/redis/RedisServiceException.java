package io.jsorc.services.redis;

import io.jsorc.JsOrcException;

/** A Redis command failed, or Redis could not be reached; the message names the server. */
public class RedisServiceException extends JsOrcException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with its message and the client's exception.
     *
     * @param message what failed, naming the server
     * @param cause   the client's exception
     */
    public RedisServiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
