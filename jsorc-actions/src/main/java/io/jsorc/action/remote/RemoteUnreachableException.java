package io.jsorc.action.remote;

import io.jsorc.action.ActionException;

/**
 * A remote action server did not answer a call: the connection could not be made, or broke before the answer was
 * read, or the server refused the call token it was launched with (it was replaced by another). The one call failure
 * that says the server may be gone (the action manager then checks and replaces it); an
 * action that threw, arguments that cannot be sent, or an answer too large to read are plain
 * {@link ActionException}s and leave the server alone.
 */
public class RemoteUnreachableException extends ActionException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which server did not answer, and how
     * @param cause   the I/O failure, or {@code null}
     */
    public RemoteUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
