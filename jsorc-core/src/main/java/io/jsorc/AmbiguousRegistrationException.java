package io.jsorc;

/**
 * Two classes claim the same name with the same (winning) priority. A classpath scan has no meaningful order, so
 * the registry refuses to guess: raise one of the priorities.
 */
public class AmbiguousRegistrationException extends JsOrcException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with its message.
     *
     * @param message names the kind, the name, both classes and the priority
     */
    public AmbiguousRegistrationException(String message) {
        super(message);
    }
}
