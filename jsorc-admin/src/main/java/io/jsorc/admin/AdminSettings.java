package io.jsorc.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The admin service's part of {@code ADMIN_CONFIG}, parsed and checked once per start.
 *
 * @param host           the address to bind ({@code 127.0.0.1} unless told otherwise)
 * @param port           the port; 0 binds a free one
 * @param token          the bearer token every operation needs; never empty
 * @param healthTimeout  the bound of each readiness check
 * @param readiness      the services {@code /readyz} checks besides {@code JSORC_CONFIG.pre_loaded_services}
 * @param maxJsonBytes   the cap of a JSON request body
 * @param maxMultipartBytes the cap of a multipart request body
 * @param sessionLifetime how long a dashboard session lasts from sign-in ({@code session_ttl_s}, default 1 h)
 */
public record AdminSettings(String host, int port, String token, Duration healthTimeout, List<String> readiness,
                            long maxJsonBytes, long maxMultipartBytes, Duration sessionLifetime) {

    /** The config key of the admin service. */
    public static final String CONFIG_KEY = "ADMIN_CONFIG";
    /** The default cap of a JSON request body: 1 MiB. */
    public static final long DEFAULT_MAX_JSON_BYTES = 1L << 20;
    /** The default cap of a multipart request body: 16 MiB. */
    public static final long DEFAULT_MAX_MULTIPART_BYTES = 16L << 20;

    /**
     * Reads the settings from the admin service's config.
     *
     * @param config the config as the service reads it (flags removed, placeholders resolved)
     * @return the settings
     * @throws IllegalArgumentException naming each invalid field and what is allowed
     * @throws IllegalStateException    when the token is empty: there is no unauthenticated mode
     */
    public static AdminSettings from(Map<String, Object> config) {
        List<String> problems = new ArrayList<>();
        String host = text(config.get("host"), "127.0.0.1");
        if (host.isBlank()) {
            problems.add("host is empty; give an address to bind, e.g. 127.0.0.1 (loopback) or 0.0.0.0");
        }
        int port = (int) number(config.get("port"), 9466, 0, 65535, "port", problems);
        long timeout = number(config.get("health_timeout_ms"), 2000, 1, 600_000, "health_timeout_ms", problems);
        long maxJson = number(config.get("max_json_bytes"), DEFAULT_MAX_JSON_BYTES, 1, 1L << 30, "max_json_bytes",
                problems);
        long maxMultipart = number(config.get("max_multipart_bytes"), DEFAULT_MAX_MULTIPART_BYTES, 1, 1L << 31,
                "max_multipart_bytes", problems);
        // dashboard (issue 15): the session cookie's lifetime, from a minute to a week
        long sessionTtl = number(config.get("session_ttl_s"), 3600, 60, 7 * 24 * 3600, "session_ttl_s", problems);
        List<String> readiness = new ArrayList<>();
        Object listed = config.get("readiness");
        if (listed instanceof List<?> names) {
            names.forEach(name -> readiness.add(String.valueOf(name)));
        } else if (listed != null) {
            problems.add("readiness is " + listed + "; allowed: a list of service names");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(CONFIG_KEY + " is invalid: " + String.join("; ", problems));
        }
        String token = text(config.get("token"), "");
        if (token.isBlank()) {
            throw new IllegalStateException("The admin API needs a token and " + CONFIG_KEY + ".token is empty: set "
                    + "the environment variable JSORC_ADMIN_TOKEN (or " + CONFIG_KEY + ".token); there is no "
                    + "unauthenticated mode");
        }
        return new AdminSettings(host.strip(), port, token.strip(), Duration.ofMillis(timeout), List.copyOf(readiness),
                maxJson, maxMultipart, Duration.ofSeconds(sessionTtl));
    }

    private static String text(Object value, String fallback) {
        return value == null ? fallback : String.valueOf(value);
    }

    private static long number(Object value, long fallback, long min, long max, String field, List<String> problems) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            return fallback;
        }
        try {
            long parsed = value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value).strip());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(field + " is " + value + "; allowed: a whole number from " + min + " to " + max);
        return fallback;
    }

    @Override
    public String toString() {
        return "AdminSettings[host=" + host + ", port=" + port + ", token=****, healthTimeout=" + healthTimeout
                + ", readiness=" + readiness + "]";
    }
}
