package io.jsorc.regen;

import io.jsorc.ServiceState;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one regeneration cycle did, per service it looked at.
 *
 * @param started  when the cycle started
 * @param duration how long it took
 * @param entries  one per service looked at, in the order handled
 */
public record RegenerationReport(Instant started, Duration duration, List<Entry> entries) {

    /** Compact constructor: the entries are copied. */
    public RegenerationReport {
        entries = List.copyOf(entries);
    }

    /**
     * Finds the entry of one service.
     *
     * @param service a service name
     * @return its entry, if the cycle looked at it
     */
    public Optional<Entry> entry(String service) {
        return entries.stream().filter(e -> e.service().equals(service)).findFirst();
    }

    /** What the cycle did to one service. */
    public enum Action {
        /** Running and healthy: nothing to do. */
        NONE,
        /** Not automated (or disabled): taken off the queue and left as it is. */
        DROPPED,
        /** Still in its backoff window: next attempt later. */
        DEFERRED,
        /** Manifest applied, but not ready: the service is started on a later cycle. */
        WAITING_FOR_MANIFEST,
        /**
         * This replica is a follower: the leader applies the manifest, and what it applied is not there or not ready
         * yet (or this replica lost the lease while applying). The service is started on a later cycle.
         */
        WAITING_FOR_LEADER,
        /** Rebuilt and restarted ({@code serviceRefresh}). */
        REFRESHED,
        /**
         * This replica leads and does not use the service, but followers wait for its manifest: the manifest was
         * applied (or found in place) for them; nothing was built here.
         */
        APPLIED_FOR_FOLLOWERS
    }

    /**
     * One service the cycle looked at, and what it did to it.
     *
     * @param service  the service name
     * @param action   what was done
     * @param state    the service's state afterwards
     * @param duration how long it took
     * @param detail   why, or what failed; URL passwords and query strings masked (a report is shipped and shown)
     */
    public record Entry(String service, Action action, ServiceState state, Duration duration, String detail) {

        /** Masks the detail: it is often a failure's message, which may carry a connection URL. */
        public Entry {
            detail = io.jsorc.base.Secrets.maskText(detail);
        }
    }
}
