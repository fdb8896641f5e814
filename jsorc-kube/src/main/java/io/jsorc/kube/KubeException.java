package io.jsorc.kube;

import io.jsorc.JsOrcException;

/** The Kubernetes API server refused a request or could not be reached; the message names the resource. */
public class KubeException extends JsOrcException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with its message.
     *
     * @param message what failed
     */
    public KubeException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its message and the client's exception.
     *
     * @param message what failed
     * @param cause   the client's exception
     */
    public KubeException(String message, Throwable cause) {
        super(message, cause);
    }
}
