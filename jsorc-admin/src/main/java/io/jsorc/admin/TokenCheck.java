package io.jsorc.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks an {@code Authorization} header against the admin token: {@code Bearer <token>} or the original's
 * {@code token <token>}. Both sides are hashed first, so the comparison takes the same time whatever the given
 * token's length or content.
 */
final class TokenCheck {

    private final byte[] expected;

    TokenCheck(String token) {
        this.expected = sha256(token);
    }

    /** {@return a hex SHA-256 of the token: tells tokens apart without holding one} */
    String fingerprint() {
        return java.util.HexFormat.of().formatHex(expected);
    }

    boolean accepts(String authorization) {
        if (authorization == null) {
            return false;
        }
        String given;
        String header = authorization.strip();
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = header.substring(7).strip();
        } else if (header.regionMatches(true, 0, "token ", 0, 6)) {
            given = header.substring(6).strip();
        } else {
            return false;
        }
        return MessageDigest.isEqual(expected, sha256(given));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
