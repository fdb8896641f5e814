package io.jsorc.admin.dashboard;

import io.jsorc.action.ActionManager;
import io.jsorc.operate.OperatorContext;
import org.eclipse.jetty.server.Handler;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The dashboard's parts on one admin server: sessions and CSRF checks, the event feed and its stream, the page. The
 * admin server mounts {@link #apiHandlers()} in front of the admin handler (inside its request limit), asks
 * {@link #auth()} whether a request without the token is signed in, and serves everything through
 * {@link #front(Handler)}, which puts the event stream and the page outside that limit. Closed with the server: the
 * streams end, the feed's daemons stop, the hooks are removed.
 */
public final class Dashboard implements AutoCloseable {

    /** Replayable events kept for browsers that reconnect. */
    static final int RING = 4096;
    /** Event streams open at once. */
    static final int MAX_STREAMS = 32;

    private final SessionAuth auth;
    private final SessionEndpoints sessions;
    private final CsrfGuard csrf;
    private final EventHub hub;
    private final DashboardFeed feed;
    private final EventsEndpoint events;
    private final ServiceConfigEndpoint configs;
    private final StaticFiles page;

    /**
     * Builds the dashboard's parts and starts its feed.
     *
     * @param sessionLifetime  how long a session lasts
     * @param tokenFingerprint stands for the admin token (a hash of it, never the token): sessions signed in under
     *                         another one are ended
     * @param tokenCheck       tells whether an {@code Authorization} header value carries the admin token
     * @param operator         the orchestrator
     * @param actions          its action manager (may throw when it has none)
     * @param adminService     the name of the service this dashboard's server belongs to: saving its config
     *                         refreshes it once the answer is sent ({@link SelfRefresh})
     * @param adminConfigCheck refuses (IllegalArgumentException) fields of that service's config it could not run
     *                         with, before they are stored
     */
    public Dashboard(Duration sessionLifetime, String tokenFingerprint, Predicate<String> tokenCheck,
                     OperatorContext operator, Supplier<ActionManager> actions, String adminService,
                     java.util.function.Consumer<java.util.Map<String, Object>> adminConfigCheck) {
        Clock clock = Clock.systemUTC();
        // One store per orchestrator, so a signed-in page survives a refresh of the admin service itself, as long as
        // the token and the lifetime it was signed in under are still the admin's.
        this.auth = new SessionAuth(operator.components().shared(SessionStores.class, SessionStores::new)
                .under(List.of(tokenFingerprint, sessionLifetime),
                        () -> new SessionStore(sessionLifetime, SessionStore.DEFAULT_MAX_SESSIONS, clock)));
        this.hub = new EventHub(Long.toString(System.currentTimeMillis(), 36), RING, MAX_STREAMS);
        this.sessions = new SessionEndpoints(auth, tokenCheck, clock, hub::revalidate);
        this.csrf = new CsrfGuard(auth);
        this.feed = new DashboardFeed(operator, actions, hub);
        this.events = new EventsEndpoint(hub, auth, tokenCheck, feed::snapshot);
        this.configs = new ServiceConfigEndpoint(operator, auth, tokenCheck, adminService, adminConfigCheck);
        this.page = new StaticFiles();
        feed.start();
    }

    /** {@return the session authenticator: a request it accepts is authorized like one with the token} */
    public SessionAuth auth() {
        return auth;
    }

    /** {@return the event hub} */
    public EventHub hub() {
        return hub;
    }

    /**
     * Gives the handlers that go in front of the admin handler, inside its request limit: sign-in and sign-out, the
     * CSRF refusal, and the dashboard's config editor endpoints.
     *
     * @return the handlers, in order
     */
    public Handler[] apiHandlers() {
        return new Handler[] {sessions, csrf, configs};
    }

    /**
     * Wraps the admin server's handler: the event stream and the page are served first, outside its request limit.
     *
     * @param limited the admin API behind its request limit
     * @return the server's handler
     */
    public Handler front(Handler limited) {
        return new Handler.Sequence(events, page, limited);
    }

    @Override
    public void close() {
        feed.close();
        hub.endAll();
    }
}
