package io.jsorc.admin.dashboard;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * {@code GET /js_admin/events}: the Server-Sent Events stream, for a signed-in page (its cookie) or a client with the
 * admin token. A browser that reconnects sends {@code Last-Event-ID} and gets what it missed, or a fresh snapshot.
 * Mounted outside the admin API's request limit: a stream stays open for hours and must not take one of the
 * operations' slots; the hub bounds the number of streams instead (503 beyond). A stream lasts only as long as what
 * let it open: a sign-out or the session's expiry ends it within a second (another admin token restarts the server,
 * which ends every stream).
 */
public final class EventsEndpoint extends Handler.Abstract {

    /** The stream's path. */
    public static final String PATH = "/js_admin/events";
    /** How long the browser waits before reconnecting. */
    static final long RETRY_MS = 2000;
    /** The most frames a stream may have waiting before it is dropped. */
    static final int MAX_QUEUED_FRAMES = 2048;
    /** The most bytes a stream may have waiting before it is dropped. */
    static final long MAX_QUEUED_BYTES = 4L << 20;

    private final EventHub hub;
    private final SessionAuth auth;
    private final Predicate<String> tokenCheck;
    private final LongFunction<byte[]> snapshot;

    /**
     * Serves the stream.
     *
     * @param hub        the events
     * @param auth       the session authenticator
     * @param tokenCheck tells whether an {@code Authorization} value carries the admin token
     * @param snapshot   builds a snapshot frame carrying a given last sequence number
     */
    public EventsEndpoint(EventHub hub, SessionAuth auth, Predicate<String> tokenCheck,
                          LongFunction<byte[]> snapshot) {
        this.hub = hub;
        this.auth = auth;
        this.tokenCheck = tokenCheck;
        this.snapshot = snapshot;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!Request.getPathInContext(request).equals(PATH)) {
            return false;
        }
        if (!request.getMethod().equals("GET")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET");
            HttpAnswers.refuse(request, response, callback, 405, PATH + " takes GET (an event stream), not "
                    + request.getMethod());
            return true;
        }
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        boolean allowed = authorization != null ? tokenCheck.test(authorization) : auth.accepts(request);
        if (!allowed) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"jsorc-admin\"");
            HttpAnswers.refuse(request, response, callback, 401,
                    "The event stream needs a dashboard session (sign in at "
                    + SessionEndpoints.PATH + ") or Authorization: Bearer <token>");
            return true;
        }
        if (hub.full()) {
            HttpAnswers.refuse(request, response, callback, 503,
                    "Too many event streams are open; close a dashboard tab");
            return true;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Accel-Buffering", "no");
        EventClient[] self = new EventClient[1];
        // Checked again while the stream is open (EventHub.revalidate): a sign-out or an expiry ends it.
        String session = SessionAuth.sessionId(request);
        // A token stream: the token it opened with is the server's for the server's life (another one restarts it).
        java.util.function.BooleanSupplier authorized = authorization != null
                ? () -> true : () -> auth.sessions().find(session).isPresent();
        EventClient client = new EventClient(response, callback, MAX_QUEUED_FRAMES, MAX_QUEUED_BYTES,
                () -> hub.close(self[0]), authorized);
        self[0] = client;
        client.offer(SseFrame.retry(RETRY_MS));
        String lastEventId = request.getHeaders().get("Last-Event-ID");
        if (!hub.open(client, lastEventId, snapshot)) {
            client.end("too many event streams are open");
        }
        return true;
    }
}
