package io.jsorc.services.elastic;

import io.jsorc.JsOrcException;

/**
 * An Elasticsearch / OpenSearch request that failed: the HTTP status, and the server's own error type and reason when
 * it sent them ({@code version_conflict_engine_exception}, say). Status 0 means the server was not reached.
 */
public class ElasticException extends JsOrcException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String errorType;

    /**
     * Creates the exception with the server's status and error type.
     *
     * @param status    the HTTP status, or 0 when the server was not reached
     * @param errorType the server's error type, or {@code null}
     * @param message   what failed
     * @param cause     the underlying failure, or {@code null}
     */
    public ElasticException(int status, String errorType, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorType = errorType;
    }

    /** {@return the HTTP status, or 0 when the server was not reached} */
    public int status() {
        return status;
    }

    /** {@return the server's error type, or {@code null}} */
    public String errorType() {
        return errorType;
    }

    /** {@return whether retrying the same request later may succeed (not reached, 429, or a 5xx)} */
    public boolean retryable() {
        return status == 0 || status == 429 || status >= 500;
    }
}
