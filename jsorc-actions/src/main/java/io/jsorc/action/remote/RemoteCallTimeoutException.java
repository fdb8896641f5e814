package io.jsorc.action.remote;

import io.jsorc.action.ActionException;

/**
 * A remote action did not answer within its call timeout. Unlike a refused connection this says nothing about the
 * server's health (the action may simply be slow), so it never restarts the server.
 */
public final class RemoteCallTimeoutException extends ActionException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates it.
     *
     * @param message names the module, the action and the timeout
     * @param cause   the client's timeout exception
     */
    public RemoteCallTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
