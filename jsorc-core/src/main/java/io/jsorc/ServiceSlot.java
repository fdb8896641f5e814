package io.jsorc;

import io.jsorc.registry.Registration;

/**
 * Holds the one instance of a service. Readers take {@link #service} without a lock (the hot path); builders
 * synchronize on the slot, so concurrent first calls build and start it exactly once.
 */
final class ServiceSlot {

    final Registration registration;
    volatile CommonService<?> service;
    /** The thread building the service right now, to detect a service that asks for itself. Guarded by this. */
    Thread builder;
    /** Shared never-running stand-in handed to repositories under construction (proxy services). */
    volatile CommonService<?> placeholder;

    ServiceSlot(Registration registration) {
        this.registration = registration;
    }
}
