package io.jsorc;

/**
 * Told of every state transition of every service of an {@link Orchestrator}. Called on the thread that made the
 * transition; keep it short and do not throw (a throwing listener is logged and ignored).
 */
@FunctionalInterface
public interface ServiceListener {

    /**
     * Called on every state transition of a service.
     *
     * @param service the service name
     * @param from    the state it left
     * @param to      the state it entered
     * @param error   the failure cause when {@code to} is {@link ServiceState#FAILED}, else {@code null}
     */
    void onTransition(String service, ServiceState from, ServiceState to, Throwable error);
}
