package io.jsorc.regen;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The regeneration loop's part of {@code JSORC_CONFIG}, read once per cycle so that a cycle (and the wait after it)
 * works with one consistent reading.
 *
 * @param interval     {@code backoff_interval}: the fixed time between cycles and the cap of every service's backoff
 * @param eventTrigger {@code event_trigger}: whether failures trigger a cycle at once and backoffs and probes are used
 *                     ({@code false}: a plain fixed-interval loop, kept for comparison benchmarks)
 * @param restartJitter {@code restart_jitter_ms} (default {@value #DEFAULT_JITTER_MS}): a requested restart waits a
 *                      random time up to this, so replicas told of one config change do not all reconnect to the same
 *                      dependency in the same millisecond ({@code 0}: at once)
 */
record RegenerationSettings(Duration interval, boolean eventTrigger, Duration restartJitter) {

    private static final Logger log = LoggerFactory.getLogger(RegenerationSettings.class);

    /** The settings of an empty {@code JSORC_CONFIG}. */
    static final RegenerationSettings DEFAULTS = new RegenerationSettings(RegenerationLoop.DEFAULT_INTERVAL, true,
            Duration.ofMillis(RegenerationSettings.DEFAULT_JITTER_MS));

    /** Default of {@code restart_jitter_ms}. */
    static final long DEFAULT_JITTER_MS = 250;
    /** The longest {@code restart_jitter_ms} taken: a restart is never held back longer. */
    static final long MAX_JITTER_MS = 10_000;

    /** Above this many milliseconds the interval would overflow {@link Duration#toNanos()}. */
    private static final double MAX_MILLIS = Long.MAX_VALUE / 1_000_000d;

    /**
     * Reads the settings from {@code JSORC_CONFIG}. Invalid values get the default, with one WARN naming the value.
     *
     * @param config the {@code JSORC_CONFIG} object; {@code null} counts as empty
     * @return the settings
     */
    static RegenerationSettings parse(Map<String, ?> config) {
        if (config == null) {
            return DEFAULTS;
        }
        Duration interval = DEFAULTS.interval();
        Object value = config.get("backoff_interval");
        if (value instanceof Number number && number.doubleValue() > 0) {
            interval = Duration.ofMillis(Math.max(1, (long) Math.min(MAX_MILLIS, number.doubleValue() * 1000)));
        } else if (value != null) {
            log.warn("JSORC_CONFIG.backoff_interval is {}; it must be a positive number of seconds. Using {} s",
                    value, DEFAULTS.interval().toSeconds());
        }
        // Only an explicit false turns the trigger off: the default, and anything unclear, keep recovery fast.
        boolean eventTrigger = !Boolean.FALSE.equals(config.get("event_trigger"));
        Duration jitter = DEFAULTS.restartJitter();
        Object jitterValue = config.get("restart_jitter_ms");
        if (jitterValue instanceof Number number && number.longValue() >= 0 && number.longValue() <= MAX_JITTER_MS) {
            jitter = Duration.ofMillis(number.longValue());
        } else if (jitterValue != null) {
            log.warn("JSORC_CONFIG.restart_jitter_ms is {}; it must be a whole number of milliseconds from 0 to {}. "
                    + "Using {} ms", jitterValue, MAX_JITTER_MS, DEFAULT_JITTER_MS);
        }
        return new RegenerationSettings(interval, eventTrigger, jitter);
    }

    /**
     * Reads the settings from the current {@code JSORC_CONFIG}, parsing it only when it changed: cycles run every
     * 100 ms while a service backs off, and an invalid value would otherwise be warned about as often. Thread-safe.
     */
    static final class Reader {

        private final Supplier<Map<String, Object>> config;
        private volatile Parsed last;

        private record Parsed(Map<String, Object> config, RegenerationSettings settings) { }

        /**
         * Creates a reader; {@code JSORC_CONFIG} is read on every {@code read()} and parsed only when it changed.
         *
         * @param config reads {@code JSORC_CONFIG} (from the config store, which may be unreachable)
         */
        Reader(Supplier<Map<String, Object>> config) {
            this.config = config;
        }

        /** {@return the settings of the current {@code JSORC_CONFIG}; the defaults when it cannot be read} */
        RegenerationSettings read() {
            Map<String, Object> current;
            try {
                current = config.get();
            } catch (RuntimeException e) {
                log.warn("JSORC_CONFIG is unreadable; using defaults: {}", e.toString());
                return DEFAULTS;
            }
            if (current == null) {
                current = Map.of();
            }
            Parsed seen = last;
            if (seen != null && seen.config().equals(current)) {
                return seen.settings();
            }
            RegenerationSettings settings = parse(current);
            last = new Parsed(new HashMap<>(current), settings); // a copy: the reader's map may change under us
            return settings;
        }
    }
}
