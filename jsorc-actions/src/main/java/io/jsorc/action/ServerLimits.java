package io.jsorc.action;

import java.time.Duration;
import java.util.Map;

/**
 * What one remote action server takes before it refuses: the body size (413 above it), the calls that run at once and
 * the calls that may wait for them (503 once both are full, or once a call waited {@code maxQueueWait}), how slowly a
 * request may arrive, and how long a kept-alive connection may idle.
 *
 * @param maxBodyBytes       the largest request body, in bytes ({@code remote.max_body_bytes}; 16 MiB by default)
 * @param maxConcurrentCalls the calls that run at once
 * @param maxQueuedCalls     the calls that wait for a free slot; one more is answered 503
 * @param maxQueueWait       how long a call waits for a slot before it is answered 503
 * @param minRequestRate     the slowest a request (headers and body) may arrive, in bytes per second, measured over
 *                           {@code requestReadTimeout}: a slower connection is closed, so trickling clients cannot
 *                           pile up connections
 * @param requestReadTimeout the window the arrival rate is measured over
 * @param idleTimeout        how long a connection may stay open with nothing to do
 */
public record ServerLimits(long maxBodyBytes, int maxConcurrentCalls, int maxQueuedCalls, Duration maxQueueWait,
                           long minRequestRate, Duration requestReadTimeout, Duration idleTimeout) {

    /** Default request body cap: 16 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 16L << 20;
    /**
     * The largest body cap there can be: a body is parsed from one array, and the largest Java array is a little
     * under 2 GiB.
     */
    public static final long MAX_BODY_BYTES_LIMIT = Integer.MAX_VALUE - 64;
    /** Environment variable that hands a child server its body cap (from {@code remote.max_body_bytes}). */
    public static final String MAX_BODY_BYTES_ENV = "JSORC_ACTION_MAX_BODY_BYTES";
    /** The key of the body cap in a module's {@code remote} config. */
    public static final String MAX_BODY_BYTES_KEY = "max_body_bytes";

    /** Validates. */
    public ServerLimits {
        if (maxBodyBytes < 1 || maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
            throw new IllegalArgumentException("remote." + MAX_BODY_BYTES_KEY + " must be between 1 and "
                    + MAX_BODY_BYTES_LIMIT + " bytes, is " + maxBodyBytes);
        }
        if (maxConcurrentCalls < 1 || maxQueuedCalls < 0) {
            throw new IllegalArgumentException("maxConcurrentCalls must be >= 1 and maxQueuedCalls >= 0, are "
                    + maxConcurrentCalls + " and " + maxQueuedCalls);
        }
        if (minRequestRate < 0) {
            throw new IllegalArgumentException("minRequestRate must be >= 0 bytes/s, is " + minRequestRate);
        }
        for (Duration d : new Duration[]{maxQueueWait, requestReadTimeout, idleTimeout}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("The server's timeouts must be positive, are " + maxQueueWait
                        + ", " + requestReadTimeout + " and " + idleTimeout);
            }
        }
    }

    /**
     * The defaults: 16 MiB bodies; 4 calls per core at once (at least 8) and 256 waiting, at most 10 s each; requests
     * arriving at 1 KiB/s or faster over 10 s; connections idle for at most 30 s.
     *
     * @return the default limits
     */
    public static ServerLimits defaults() {
        return new ServerLimits(DEFAULT_MAX_BODY_BYTES, Math.max(8, 4 * Runtime.getRuntime().availableProcessors()),
                256, Duration.ofSeconds(10), 1024, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    /**
     * Returns these limits with another body cap.
     *
     * @param bytes the largest request body
     * @return the new limits
     * @throws IllegalArgumentException when the cap is not between 1 and {@link #MAX_BODY_BYTES_LIMIT}
     */
    public ServerLimits withMaxBodyBytes(long bytes) {
        return new ServerLimits(bytes, maxConcurrentCalls, maxQueuedCalls, maxQueueWait, minRequestRate,
                requestReadTimeout, idleTimeout);
    }

    /**
     * Reads the body cap of a module's {@code remote} config.
     *
     * @param remote the module's {@code remote} config
     * @return the cap, {@link #DEFAULT_MAX_BODY_BYTES} when it sets none
     * @throws IllegalArgumentException when it is not a whole number between 1 and {@link #MAX_BODY_BYTES_LIMIT}
     */
    public static long maxBodyBytes(Map<String, Object> remote) {
        Object value = remote.get(MAX_BODY_BYTES_KEY);
        if (value == null) {
            return DEFAULT_MAX_BODY_BYTES;
        }
        if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1
                || ((Number) value).longValue() > MAX_BODY_BYTES_LIMIT) {
            throw new IllegalArgumentException("remote." + MAX_BODY_BYTES_KEY + " must be a whole number of bytes "
                    + "between 1 and " + MAX_BODY_BYTES_LIMIT + ", is " + value);
        }
        return ((Number) value).longValue();
    }

    /**
     * Reads the limits a child server was started with: the defaults, with the body cap of
     * {@value #MAX_BODY_BYTES_ENV} when it is set.
     *
     * @param environment the server's environment
     * @return its limits
     * @throws IllegalArgumentException when {@value #MAX_BODY_BYTES_ENV} is not a number in range
     */
    public static ServerLimits fromEnvironment(Map<String, String> environment) {
        String cap = environment.get(MAX_BODY_BYTES_ENV);
        if (cap == null || cap.isBlank()) {
            return defaults();
        }
        try {
            return defaults().withMaxBodyBytes(Long.parseLong(cap.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MAX_BODY_BYTES_ENV + " must be a whole number of bytes, is '" + cap
                    + "'", e);
        }
    }
}
