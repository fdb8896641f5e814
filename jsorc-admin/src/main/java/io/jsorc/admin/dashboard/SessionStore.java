package io.jsorc.admin.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's signed-in sessions: each one a random 256-bit id (the cookie's value) and a random CSRF token, with
 * a fixed expiry. Bounded: when full, the session closest to expiry is ended to make room, so signing in always
 * works and memory never grows. Only SHA-256 digests of the ids are kept, so a heap dump does not hand out sessions,
 * and a lookup does not compare the secret itself. Thread-safe.
 */
public final class SessionStore {

    /** The default bound of the number of sessions. */
    public static final int DEFAULT_MAX_SESSIONS = 256;

    /**
     * A session as its owner sees it once, when it is created.
     *
     * @param id        the session id: the cookie's value (secret)
     * @param csrf      the CSRF token the page sends back in {@link SessionAuth#CSRF_HEADER}
     * @param expiresAt when it ends
     */
    public record Created(String id, String csrf, Instant expiresAt) {
        @Override
        public String toString() {
            return "Session[expiresAt=" + expiresAt + "]";
        }
    }

    /**
     * A live session as a lookup finds it.
     *
     * @param csrf      its CSRF token
     * @param expiresAt when it ends
     */
    public record Live(String csrf, Instant expiresAt) {
        @Override
        public String toString() {
            return "Session[expiresAt=" + expiresAt + "]";
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration lifetime;
    private final int maxSessions;
    private final Map<String, Live> sessions = new HashMap<>();

    /**
     * Creates an empty store.
     *
     * @param lifetime    how long a session lasts from sign-in (it is not extended by use)
     * @param maxSessions how many sessions may live at once
     * @param clock       the clock expiry is measured on
     */
    public SessionStore(Duration lifetime, int maxSessions, Clock clock) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("The session lifetime must be positive, not " + lifetime);
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, not " + maxSessions);
        }
        this.lifetime = lifetime;
        this.maxSessions = maxSessions;
        this.clock = clock;
    }

    /** {@return how long a session lasts} */
    public Duration lifetime() {
        return lifetime;
    }

    /**
     * Starts a session (the caller has checked the admin token).
     *
     * @return the new session, with its secret id
     */
    public synchronized Created create() {
        Instant now = clock.instant();
        purge(now);
        if (sessions.size() >= maxSessions) {
            evictSoonestToExpire();
        }
        String id = randomToken();
        String csrf = randomToken();
        Instant expiresAt = now.plus(lifetime);
        sessions.put(digest(id), new Live(csrf, expiresAt));
        return new Created(id, csrf, expiresAt);
    }

    /**
     * Finds a live session.
     *
     * @param id a cookie's value, or {@code null}
     * @return the session, or empty when there is none, or it expired (it is then removed)
     */
    public synchronized Optional<Live> find(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return Optional.empty();
        }
        String key = digest(id);
        Live live = sessions.get(key);
        if (live == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(live.expiresAt())) {
            sessions.remove(key);
            return Optional.empty();
        }
        return Optional.of(live);
    }

    /**
     * Ends a session (sign-out); the id is useless afterwards.
     *
     * @param id a cookie's value, or {@code null}
     * @return whether a session was ended
     */
    public synchronized boolean end(String id) {
        return id != null && id.length() <= 128 && sessions.remove(digest(id)) != null;
    }

    /** {@return how many sessions are stored (expired ones not yet purged included)} */
    public synchronized int size() {
        return sessions.size();
    }

    private void purge(Instant now) {
        sessions.values().removeIf(live -> !now.isBefore(live.expiresAt()));
    }

    private void evictSoonestToExpire() {
        String soonest = null;
        Instant when = Instant.MAX;
        for (Iterator<Map.Entry<String, Live>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Live> entry = it.next();
            if (entry.getValue().expiresAt().isBefore(when)) {
                when = entry.getValue().expiresAt();
                soonest = entry.getKey();
            }
        }
        sessions.remove(soonest);
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Hashes a secret so that the map never holds it.
     *
     * @param secret a session id or token
     * @return its SHA-256, base64
     */
    static String digest(String secret) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
