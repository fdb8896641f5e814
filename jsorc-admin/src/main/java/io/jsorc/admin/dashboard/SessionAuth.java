package io.jsorc.admin.dashboard;

import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates requests made with the dashboard's session cookie. A read ({@code GET}, {@code HEAD}) needs the
 * cookie only; anything else also needs {@value #CSRF_HEADER} holding the session's CSRF token, which a page of
 * another site cannot read or set, and, when the browser sends an {@code Origin}, that origin must be this server.
 * Requests with the admin token (the CLI's) do not come here.
 */
public final class SessionAuth {

    /** The cookie that holds the session id. */
    public static final String COOKIE = "jsorc_session";
    /** The header that carries the session's CSRF token on requests that change something. */
    public static final String CSRF_HEADER = "X-JsOrc-CSRF";

    /** What a request's cookie and headers amount to. */
    public enum Verdict {
        /** A live session, and the CSRF token where one is needed. */
        ACCEPTED,
        /** No cookie, or a cookie of no live session. */
        NO_SESSION,
        /** A live session, but a request that changes something without the right CSRF header or origin. */
        CSRF_REFUSED
    }

    private static final DateTimeFormatter EXPIRES = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final SessionStore sessions;

    /**
     * Authenticates against a session store.
     *
     * @param sessions the live sessions
     */
    public SessionAuth(SessionStore sessions) {
        this.sessions = sessions;
    }

    /** {@return the session store} */
    public SessionStore sessions() {
        return sessions;
    }

    /**
     * Judges a request's session cookie and CSRF header.
     *
     * @param request a request
     * @return the verdict
     */
    public Verdict verdict(Request request) {
        Optional<SessionStore.Live> live = sessions.find(sessionId(request));
        if (live.isEmpty()) {
            return Verdict.NO_SESSION;
        }
        String method = request.getMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return Verdict.ACCEPTED;
        }
        String given = request.getHeaders().get(CSRF_HEADER);
        boolean csrf = given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                live.get().csrf().getBytes(StandardCharsets.UTF_8));
        return csrf && sameOrigin(request) ? Verdict.ACCEPTED : Verdict.CSRF_REFUSED;
    }

    /**
     * Tells whether the request's session authorizes it (the admin handler's alternative to the token).
     *
     * @param request a request
     * @return whether {@link #verdict(Request)} is {@link Verdict#ACCEPTED}
     */
    public boolean accepts(Request request) {
        return verdict(request) == Verdict.ACCEPTED;
    }

    /**
     * Reads the session id from the request's cookies.
     *
     * @param request a request
     * @return the cookie's value, or {@code null} when it has none
     */
    public static String sessionId(Request request) {
        List<HttpCookie> cookies = Request.getCookies(request);
        for (HttpCookie cookie : cookies) {
            if (cookie.getName().equals(COOKIE)) {
                return cookie.getValue();
            }
        }
        return null;
    }

    /**
     * Writes the {@code Set-Cookie} value that hands a session to the browser: {@code HttpOnly} (no script reads
     * it), {@code SameSite=Strict} (no other site's page sends it), {@code Path=/}, with its expiry; {@code Secure}
     * when the request came over TLS.
     *
     * @param id        the session id
     * @param expiresAt when the session ends
     * @param now       the current time
     * @param secure    whether the connection is TLS
     * @return the header value
     */
    public static String setCookie(String id, Instant expiresAt, Instant now, boolean secure) {
        long maxAge = Math.max(0, (Duration.between(now, expiresAt).toMillis() + 999) / 1000); // rounded up
        return COOKIE + "=" + id + "; Path=/; Max-Age=" + maxAge + "; Expires=" + EXPIRES.format(expiresAt)
                + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /**
     * Writes the {@code Set-Cookie} value that removes the session cookie (sign-out).
     *
     * @param secure whether the connection is TLS
     * @return the header value
     */
    public static String clearCookie(boolean secure) {
        return COOKIE + "=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    /** A browser names the page's origin on every cross-origin write; when it does, it must be this server. */
    private static boolean sameOrigin(Request request) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) {
            return true;
        }
        String host = request.getHeaders().get(HttpHeader.HOST);
        return host != null && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host));
    }
}
