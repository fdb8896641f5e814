package io.jsorc.services.mail;

import io.jsorc.JsOrcException;

/** Sending mail failed; the message names the SMTP server (never the password). */
public class MailServiceException extends JsOrcException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with its message and the mail API's exception.
     *
     * @param message what failed
     * @param cause   the mail API's exception
     */
    public MailServiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
