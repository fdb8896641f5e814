package io.jsorc.admin.dashboard;

import java.util.function.Supplier;

/**
 * Per orchestrator: the dashboard's session store and the terms it was opened under (the admin token, the session
 * lifetime). A refresh of the admin service keeps its signed-in pages when the terms are the same; a new token or
 * lifetime opens an empty store, so every session signed in under the old token ends with it.
 */
final class SessionStores {

    private SessionStore store;
    private Object terms;

    /**
     * {@return the store opened under these terms: the current one when they are unchanged, else a fresh one}
     *
     * @param terms what a session is valid under; compared with {@code equals}
     * @param fresh opens an empty store
     */
    synchronized SessionStore under(Object terms, Supplier<SessionStore> fresh) {
        if (store == null || !terms.equals(this.terms)) {
            store = fresh.get();
            this.terms = terms;
        }
        return store;
    }
}
