package io.jsorc.cluster;

import io.jsorc.base.Json;
import io.jsorc.config.Durability;
import io.jsorc.config.Hook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Which services' manifests the followers wait for, so that the leader applies them even when it never uses those
 * services itself: only the leader writes to the cluster, and it used to apply only the manifests of the services it
 * had built, so a service that only followers use waited for the leader for ever. Kept in the config store entry
 * {@value #KEY} ({@code {service: {replica: millis}}}), which the replicas share.
 *
 * <p>A follower records its wait each time its regeneration finds the manifest missing or not ready (at most once per
 * {@link #REFRESH} per service); a wait not recorded again within {@link #STALE} is over (the service runs, or the
 * replica is gone), and the leader drops it. Bounded: {@link #MAX_SERVICES} services, {@link #MAX_REPLICAS} replicas
 * each. Thread-safe.
 */
public final class ManifestDemand {

    /** The config store entry. */
    public static final String KEY = "MANIFEST_DEMAND";
    /** How often a follower that keeps waiting records its wait again. */
    static final Duration REFRESH = Duration.ofSeconds(20);
    /** A wait not recorded again for this long is over. */
    static final Duration STALE = Duration.ofSeconds(60);
    /** Bounds of the entry. */
    static final int MAX_SERVICES = 1024;
    static final int MAX_REPLICAS = 256;

    private static final Logger log = LoggerFactory.getLogger(ManifestDemand.class);

    private final Supplier<Hook> hook;
    private final Supplier<String> replica;
    private final LongSupplier clock;
    /** When this replica last recorded its wait for each service (its clock's millis). */
    private final Map<String, Long> recorded = new ConcurrentHashMap<>();

    /**
     * Creates the demand of one replica.
     *
     * @param hook    the config store's backend (shared by the replicas)
     * @param replica this replica's name (its leader election identity)
     * @param clock   wall-clock millis, as {@link System#currentTimeMillis()}
     */
    public ManifestDemand(Supplier<Hook> hook, Supplier<String> replica, LongSupplier clock) {
        this.hook = hook;
        this.replica = replica;
        this.clock = clock;
    }

    /**
     * Records that this replica waits for a service's manifest (a follower whose regeneration found it missing or not
     * ready). Best effort: a store that cannot take it now keeps it for later, and the next wait records it again.
     *
     * @param service the service name
     */
    public void record(String service) {
        long now = clock.getAsLong();
        Long last = recorded.get(service);
        if (last != null && now - last < REFRESH.toMillis()) {
            return;
        }
        String me = replica.get();
        try {
            hook.get().updateObject(KEY, entries -> {
                prune(entries, now);
                Map<String, Object> waits = mapAt(entries, service);
                if (waits == null) {
                    if (entries.size() >= MAX_SERVICES) {
                        throw new IllegalStateException(KEY + " holds " + MAX_SERVICES + " services already");
                    }
                    waits = new LinkedHashMap<>();
                }
                if (!waits.containsKey(me) && waits.size() >= MAX_REPLICAS) {
                    throw new IllegalStateException(MAX_REPLICAS + " replicas wait for service '" + service
                            + "' already");
                }
                waits.put(me, now);
                entries.put(service, waits);
            }, Durability.BEST_EFFORT);
            recorded.put(service, now);
        } catch (RuntimeException e) {
            log.warn("Could not tell the leader that this replica waits for the manifest of service '{}': {}",
                    service, e.getMessage());
        }
    }

    /**
     * Reads the waits that are not over.
     *
     * @return per service, the replicas that wait for its manifest (sorted); empty when none or unreadable
     */
    public Map<String, Set<String>> waiting() {
        Map<String, Set<String>> out = new TreeMap<>();
        String json;
        try {
            json = hook.get().getGlob(KEY).orElse(null);
        } catch (RuntimeException e) {
            log.debug("{} is unreadable", KEY, e);
            return out;
        }
        if (json == null) {
            return out;
        }
        Map<String, Object> entries;
        try {
            entries = Json.parseObject(json, KEY);
        } catch (RuntimeException e) {
            log.debug("{} is not a JSON object", KEY, e);
            return out;
        }
        long cutoff = clock.getAsLong() - STALE.toMillis();
        entries.forEach((service, waits) -> {
            Map<String, Long> fresh = fresh(waits, cutoff);
            if (!fresh.isEmpty()) {
                out.put(service, new TreeSet<>(fresh.keySet()));
            }
        });
        return out;
    }

    /** Drops the waits that are over, and services nobody waits for. */
    private static void prune(Map<String, Object> entries, long now) {
        long cutoff = now - STALE.toMillis();
        entries.entrySet().removeIf(entry -> {
            Map<String, Long> fresh = fresh(entry.getValue(), cutoff);
            entry.setValue(fresh);
            return fresh.isEmpty();
        });
    }

    /** {@return the waits of one service recorded at {@code cutoff} or later (none when it is no map)} */
    private static Map<String, Long> fresh(Object waits, long cutoff) {
        Map<String, Long> fresh = new LinkedHashMap<>();
        if (waits instanceof Map<?, ?> byReplica) {
            byReplica.forEach((who, at) -> {
                if (at instanceof Number millis && millis.longValue() >= cutoff) {
                    fresh.put(String.valueOf(who), millis.longValue());
                }
            });
        }
        return fresh;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapAt(Map<String, Object> entries, String service) {
        Object waits = entries.get(service);
        return waits instanceof Map<?, ?> ? new LinkedHashMap<>((Map<String, Object>) waits) : null;
    }
}
