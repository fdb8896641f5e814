package io.jsorc.cluster;

import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * How replicas elect the one that writes to the cluster: {@code JSORC_CONFIG.leader_election}, either a plain mode
 * string ({@code "auto"}) or an object:
 *
 * <pre>{@code
 * "leader_election": {"mode": "auto", "lease_duration_ms": 15000, "renew_deadline_ms": 10000,
 *                     "retry_period_ms": 2000, "app": "shop"}
 * }</pre>
 *
 * <p>{@code mode}: {@code auto} (the default: {@code kube} when the kube service is enabled, else {@code redis} when
 * the config store is the Redis hook, else {@code none}), {@code kube} (a {@code coordination.k8s.io/v1} Lease),
 * {@code redis} (a Redis lease with a fencing counter) or {@code none} (every replica acts, as a single JVM does).
 * The durations follow client-go's leader election: a holder that could not renew within {@code renew_deadline_ms}
 * stops acting; another replica takes over once the lease was not renewed for {@code lease_duration_ms}; every
 * replica tries every {@code retry_period_ms}. They must satisfy {@code lease > renew deadline > retry period > 0}.
 * {@code app} names the lease ({@code jsorc-leader-<app>}; default: the environment variable {@code JSORC_APP},
 * else {@code jsorc}): hosts sharing a namespace or a Redis need distinct apps.
 *
 * @param mode          the mode asked for
 * @param leaseDuration how long a lease lasts without renewal
 * @param renewDeadline how long a holder keeps acting without a successful renewal
 * @param retryPeriod   how often replicas try to acquire or renew
 * @param leaseName     the lease's name ({@code jsorc-leader-<app>})
 * @param identity      this replica's holder identity ({@code HOSTNAME} plus a random suffix)
 */
public record ElectionSettings(Mode mode, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod,
                               String leaseName, String identity) {

    /** What a lease name starts with; the app's name follows. */
    public static final String LEASE_PREFIX = "jsorc-leader-";
    /** The app's name when neither {@code leader_election.app} nor {@code JSORC_APP} gives one. */
    public static final String DEFAULT_APP = "jsorc";

    /** {@return the app's name ({@code leader_election.app}, else {@code JSORC_APP}, else {@value #DEFAULT_APP})} */
    public String app() {
        return leaseName.startsWith(LEASE_PREFIX) ? leaseName.substring(LEASE_PREFIX.length()) : leaseName;
    }

    /** The config field, in {@code JSORC_CONFIG}. */
    public static final String FIELD = "leader_election";
    /** client-go's default lease duration. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(15);
    /** client-go's default renew deadline. */
    public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(10);
    /** client-go's default retry period. */
    public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(2);

    private static final Set<String> FIELDS = Set.of("mode", "lease_duration_ms", "renew_deadline_ms",
            "retry_period_ms", "app");
    /** The election modes. */
    public enum Mode {
        /** kube when the kube service is enabled, else redis when the Redis hook is the config store, else none. */
        AUTO,
        /** A Kubernetes Lease. */
        KUBE,
        /** A Redis lease. */
        REDIS,
        /** No election: every replica acts. */
        NONE;

        /** {@return the mode's config name, lower case} */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Compact constructor: checks the durations. */
    public ElectionSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(leaseName, "leaseName");
        Objects.requireNonNull(identity, "identity");
        if (retryPeriod.isNegative() || retryPeriod.isZero() || renewDeadline.compareTo(retryPeriod) <= 0
                || leaseDuration.compareTo(renewDeadline) <= 0) {
            throw new IllegalArgumentException("JSORC_CONFIG." + FIELD + " durations must satisfy lease_duration_ms ("
                    + leaseDuration.toMillis() + ") > renew_deadline_ms (" + renewDeadline.toMillis()
                    + ") > retry_period_ms (" + retryPeriod.toMillis() + ") > 0");
        }
    }

    /**
     * Reads the settings from {@code JSORC_CONFIG.leader_election}.
     *
     * @param value       the field's value: {@code null} (auto, defaults), a mode string, or an object
     * @param environment environment lookup ({@code HOSTNAME}, {@code JSORC_APP})
     * @return the settings, with a fresh identity
     * @throws IllegalArgumentException naming the field and what is allowed, when the value is not valid
     */
    public static ElectionSettings parse(Object value, Function<String, String> environment) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (value instanceof String mode) {
            fields.put("mode", mode);
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> fields.put(String.valueOf(k), v));
        } else if (value != null) {
            throw new IllegalArgumentException("JSORC_CONFIG." + FIELD + " must be a mode (\"auto\", \"kube\", "
                    + "\"redis\", \"none\") or an object with fields " + FIELDS + ", but is " + value);
        }
        for (String field : fields.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException("JSORC_CONFIG." + FIELD + " has an unknown field '" + field
                        + "'; allowed: mode, lease_duration_ms, renew_deadline_ms, retry_period_ms, app");
            }
        }
        Mode mode = mode(fields.get("mode"));
        Duration lease = millis(fields, "lease_duration_ms", DEFAULT_LEASE);
        Duration renew = millis(fields, "renew_deadline_ms", DEFAULT_RENEW_DEADLINE);
        Duration retry = millis(fields, "retry_period_ms", DEFAULT_RETRY_PERIOD);
        Object app = fields.get("app");
        String appName = app != null ? String.valueOf(app) : environment.apply("JSORC_APP");
        if (appName == null || appName.isBlank()) {
            appName = DEFAULT_APP;
        }
        if (!appName.matches("[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?")) {
            throw new IllegalArgumentException("JSORC_CONFIG." + FIELD + ".app must be a DNS label (lower case "
                    + "letters, digits and '-', at most 42 characters), but is '" + appName + "'");
        }
        return new ElectionSettings(mode, lease, renew, retry, LEASE_PREFIX + appName, identity(environment));
    }

    /**
     * Makes a holder identity: the pod name ({@code HOSTNAME}) plus a random suffix, so two orchestrators in one
     * pod (or a restarted container with the same name) never mistake each other's lease for their own.
     *
     * @param environment environment lookup
     * @return {@code <hostname>-<8 hex digits>}
     */
    public static String identity(Function<String, String> environment) {
        String host = environment.apply("HOSTNAME");
        if (host == null || host.isBlank()) {
            host = "jsorc";
        }
        // Tells replicas on one host apart: unique, not secret (a lease holder's name is no credential), so no
        // SecureRandom, whose seeding costs tens of milliseconds of every orchestrator's start in a fresh JVM.
        byte[] suffix = new byte[4];
        ThreadLocalRandom.current().nextBytes(suffix);
        return host.strip() + "-" + HexFormat.of().formatHex(suffix);
    }

    private static Mode mode(Object value) {
        if (value == null) {
            return Mode.AUTO;
        }
        try {
            return Mode.valueOf(String.valueOf(value).strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("JSORC_CONFIG." + FIELD + ".mode is '" + value + "'; allowed: auto, "
                    + "kube, redis, none");
        }
    }

    private static Duration millis(Map<String, Object> fields, String field, Duration fallback) {
        Object value = fields.get(field);
        if (value == null) {
            return fallback;
        }
        long millis;
        if (value instanceof Number number && number.doubleValue() == number.longValue()) {
            millis = number.longValue();
        } else {
            try {
                millis = Long.parseLong(String.valueOf(value).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("JSORC_CONFIG." + FIELD + "." + field
                        + " must be a whole number of milliseconds, but is " + value);
            }
        }
        if (millis <= 0) {
            throw new IllegalArgumentException("JSORC_CONFIG." + FIELD + "." + field + " must be positive, but is "
                    + millis);
        }
        return Duration.ofMillis(millis);
    }
}
