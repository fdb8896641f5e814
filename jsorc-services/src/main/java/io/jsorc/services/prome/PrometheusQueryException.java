package io.jsorc.services.prome;

import io.jsorc.JsOrcException;

/** Prometheus answered a query with an error; carries Prometheus' own error type and message. */
public class PrometheusQueryException extends JsOrcException {

    private static final long serialVersionUID = 1L;

    private final String errorType;

    /**
     * Creates the exception with Prometheus' error type and message.
     *
     * @param errorType Prometheus' {@code errorType} ({@code bad_data}, {@code timeout}, ...), or {@code http}
     * @param message   what Prometheus said
     */
    public PrometheusQueryException(String errorType, String message) {
        super("Prometheus " + errorType + ": " + message);
        this.errorType = errorType;
    }

    /** {@return Prometheus' error type} */
    public String errorType() {
        return errorType;
    }
}
