package io.jsorc.admin.dashboard;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Sign-in and sign-out: {@code POST /js_admin/session} with {@code {"token": ...}} (or the {@code Authorization}
 * header) answers the session's CSRF token and sets the session cookie; {@code GET /js_admin/session} answers the
 * CSRF token again to a page that reloaded (its cookie is enough: another site's page cannot read the answer);
 * {@code DELETE /js_admin/session} ends the session on the server and clears the cookie. The token travels in a body
 * or header only, never a URL, and is never logged.
 */
public final class SessionEndpoints extends Handler.Abstract {

    /** The path of the session endpoint. */
    public static final String PATH = "/js_admin/session";
    /** The cap of a sign-in body. */
    static final long MAX_BODY = 16 * 1024;

    private static final Logger log = LoggerFactory.getLogger(SessionEndpoints.class);

    private final SessionAuth auth;
    private final Predicate<String> tokenCheck;
    private final Clock clock;
    private final Runnable sessionEnded;

    /**
     * Serves sign-in and sign-out.
     *
     * @param auth         the session authenticator and its store
     * @param tokenCheck   tells whether an {@code Authorization} header value carries the admin token
     * @param clock        the clock of the session store
     * @param sessionEnded told when a sign-out ended a session (its event streams end then)
     */
    public SessionEndpoints(SessionAuth auth, Predicate<String> tokenCheck, Clock clock, Runnable sessionEnded) {
        this.auth = auth;
        this.tokenCheck = tokenCheck;
        this.clock = clock;
        this.sessionEnded = sessionEnded;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!Request.getPathInContext(request).equals(PATH)) {
            return false;
        }
        try {
            switch (request.getMethod()) {
                case "POST" -> signIn(request, response, callback);
                case "GET", "HEAD" -> current(request, response, callback);
                case "DELETE" -> signOut(request, response, callback);
                default -> {
                    response.getHeaders().put(HttpHeader.ALLOW, "POST, GET, DELETE");
                    HttpAnswers.refuse(request, response, callback, 405,
                            PATH + " takes POST (sign in), GET (the session) or "
                            + "DELETE (sign out), not " + request.getMethod());
                }
            }
        } catch (HttpAnswers.Refusal e) {
            HttpAnswers.refuse(request, response, callback, e.status(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.warn("Session request failed: {}", e.toString());
            HttpAnswers.refuse(request, response, callback, 500, "The session request failed");
        }
        return true;
    }

    private void signIn(Request request, Response response, Callback callback) throws IOException {
        Map<String, Object> body = HttpAnswers.body(request, MAX_BODY, "sign-in body");
        Object token = body.get("token");
        String authorization = token instanceof String text && !text.isBlank() ? "Bearer " + text
                : request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization == null || !tokenCheck.test(authorization)) {
            log.info("Dashboard sign-in refused from {}", Request.getRemoteAddr(request));
            HttpAnswers.refuse(request, response, callback, 401, "Wrong admin token: sign in with the value of "
                    + "ADMIN_CONFIG.token (JSORC_ADMIN_TOKEN) in the body {\"token\": ...}");
            return;
        }
        SessionStore.Created session = auth.sessions().create();
        Instant now = clock.instant();
        response.getHeaders().add(HttpHeader.SET_COOKIE, SessionAuth.setCookie(session.id(), session.expiresAt(),
                now, request.isSecure()));
        log.info("Dashboard session started from {}, until {}", Request.getRemoteAddr(request),
                session.expiresAt());
        HttpAnswers.json(response, callback, 200, describe(session.csrf(), session.expiresAt(), now));
    }

    private void current(Request request, Response response, Callback callback) {
        var live = auth.sessions().find(SessionAuth.sessionId(request));
        if (live.isEmpty()) {
            HttpAnswers.refuse(request, response, callback, 401, "Not signed in (no session, or it expired)");
            return;
        }
        HttpAnswers.json(response, callback, 200, describe(live.get().csrf(), live.get().expiresAt(),
                clock.instant()));
    }

    private void signOut(Request request, Response response, Callback callback) {
        SessionAuth.Verdict verdict = auth.verdict(request);
        if (verdict == SessionAuth.Verdict.CSRF_REFUSED) {
            throw new HttpAnswers.Refusal(403, "Signing out needs the " + SessionAuth.CSRF_HEADER + " header");
        }
        boolean ended = verdict == SessionAuth.Verdict.ACCEPTED && auth.sessions().end(SessionAuth.sessionId(request));
        response.getHeaders().add(HttpHeader.SET_COOKIE, SessionAuth.clearCookie(request.isSecure()));
        if (ended) {
            sessionEnded.run();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", true);
        answer.put("message", ended ? "Signed out; the session ended" : "No session was open");
        HttpAnswers.json(response, callback, 200, answer);
    }

    private static Map<String, Object> describe(String csrf, Instant expiresAt, Instant now) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", true);
        answer.put("csrf", csrf);
        answer.put("csrf_header", SessionAuth.CSRF_HEADER);
        answer.put("expires_at", expiresAt.toString());
        answer.put("expires_in_s", Math.max(0, java.time.Duration.between(now, expiresAt).toSeconds()));
        return answer;
    }
}
