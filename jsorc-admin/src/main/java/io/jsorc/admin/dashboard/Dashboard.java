package io.jsorc.admin.dashboard;

import org.eclipse.jetty.server.Handler;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The dashboard's parts on one admin server: the session store, sign-in and CSRF checks. The admin server mounts
 * {@link #apiHandlers()} in front of the admin handler (inside its request limit) and asks {@link #auth()} whether
 * a request without the token is signed in. Closed with the server.
 */
public final class Dashboard implements AutoCloseable {

    private final SessionAuth auth;
    private final SessionEndpoints sessions;
    private final CsrfGuard csrf;

    /**
     * Builds the dashboard's parts.
     *
     * @param sessionLifetime how long a session lasts
     * @param tokenCheck      tells whether an {@code Authorization} header value carries the admin token
     */
    public Dashboard(Duration sessionLifetime, Predicate<String> tokenCheck) {
        Clock clock = Clock.systemUTC();
        this.auth = new SessionAuth(new SessionStore(sessionLifetime, SessionStore.DEFAULT_MAX_SESSIONS, clock));
        this.sessions = new SessionEndpoints(auth, tokenCheck, clock);
        this.csrf = new CsrfGuard(auth);
    }

    /** {@return the session authenticator: a request it accepts is authorized like one with the token} */
    public SessionAuth auth() {
        return auth;
    }

    /**
     * Gives the handlers that go in front of the admin handler, inside its request limit: sign-in and sign-out, and
     * the CSRF refusal.
     *
     * @return the handlers, in order
     */
    public Handler[] apiHandlers() {
        return new Handler[] {sessions, csrf};
    }

    @Override
    public void close() {
        // nothing held yet beyond memory
    }
}
