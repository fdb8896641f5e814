package io.jsorc;

/** A registered class breaks a rule of its annotation (abstract service, no public no-arg constructor, ...). */
public class InvalidComponentException extends JsOrcException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with its message.
     *
     * @param message names every offending class and the rule it breaks
     */
    public InvalidComponentException(String message) {
        super(message);
    }
}
