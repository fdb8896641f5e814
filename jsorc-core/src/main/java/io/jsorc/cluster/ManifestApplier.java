package io.jsorc.cluster;

import io.jsorc.manifest.ApplyReport;
import io.jsorc.manifest.Manifest;

/**
 * Writes a service's manifest to a cluster, found with {@link java.util.ServiceLoader}: re-applies a service's manifest
 * before the regeneration loop restarts the service, and says whether what it applied is ready. The {@code jsorc-kube}
 * module provides one; with none on the classpath the step is skipped.
 */
public interface ManifestApplier {

    /**
     * Applies the manifest (idempotently) and reports readiness. Must not block for long: report
     * {@link Readiness#notReady(String)} and let the next cycle ask again.
     *
     * @param service  the service name
     * @param manifest its manifest (never empty)
     * @param context  the manifest key, the services, the config store and the event sink
     * @return ready, not ready (retry next cycle) or skipped (this applier cannot act now, e.g. no cluster)
     * @throws Exception when applying failed; counted as not ready
     */
    Readiness apply(String service, Manifest manifest, ApplyContext context) throws Exception;

    /**
     * Says whether what a manifest describes is in the cluster and ready, without writing anything: a follower
     * replica asks this while the leader applies. Appliers that cannot tell keep the default, which answers
     * {@link Readiness#skipped(String)} (start the service anyway).
     *
     * @param service  the service name
     * @param manifest its manifest (never empty)
     * @param context  the manifest key, the services, the config store and the event sink
     * @return ready, not ready (the leader has not applied it, or it is not ready yet) or skipped
     * @throws Exception when the cluster could not be asked; counted as not ready
     */
    default Readiness check(String service, Manifest manifest, ApplyContext context) throws Exception {
        return Readiness.skipped(getClass().getName() + " cannot check a manifest without applying it");
    }

    /**
     * Applies resources that belong to no service ({@code JsOrc.loadYaml}). Appliers that cannot do that keep the
     * default, which refuses.
     *
     * @param manifest  the resources
     * @param namespace the namespace for namespaced resources
     * @param context   the services, the config store and the event sink (no manifest key)
     * @return what was done, per resource
     * @throws UnsupportedOperationException when this applier does not load free-standing resources
     */
    default ApplyReport load(Manifest manifest, String namespace, ApplyContext context) {
        throw new UnsupportedOperationException(getClass().getName() + " does not load free-standing resources");
    }

    /**
     * Reads a secret that a manifest's resources made (an operator's generated password or CA, say). Appliers that
     * cannot do that keep the default, which refuses.
     *
     * @param namespace the namespace, or {@code null} for the one the applier applies to by default
     * @param name      the secret's name
     * @param context   the services and the config store
     * @return the secret's entries, decoded; empty when there is no such secret
     * @throws UnsupportedOperationException when this applier does not read secrets
     * @throws Exception                     when the cluster could not be asked
     */
    default java.util.Optional<java.util.Map<String, byte[]>> readSecret(String namespace, String name,
            ApplyContext context) throws Exception {
        throw new UnsupportedOperationException(getClass().getName() + " does not read secrets");
    }

    /**
     * What an apply found.
     *
     * @param status ready, not ready or skipped
     * @param detail a short human-readable explanation
     */
    record Readiness(Status status, String detail) {

        /** The three outcomes. */
        public enum Status {
            /** Applied and ready: start the service. */
            READY,
            /** Applied (or applying), not ready yet: try next cycle. */
            NOT_READY,
            /** The applier cannot act (no cluster configured): start the service anyway. */
            SKIPPED
        }

        /**
         * Returns a result that says: applied and ready, start the service.
         *
         * @param detail explanation
         * @return a READY result
         */
        public static Readiness ready(String detail) {
            return new Readiness(Status.READY, detail);
        }

        /**
         * Returns a result that says: applied, not ready yet, try next cycle.
         *
         * @param detail explanation
         * @return a NOT_READY result
         */
        public static Readiness notReady(String detail) {
            return new Readiness(Status.NOT_READY, detail);
        }

        /**
         * Returns a result that says: the applier cannot act, start the service anyway.
         *
         * @param detail explanation
         * @return a SKIPPED result
         */
        public static Readiness skipped(String detail) {
            return new Readiness(Status.SKIPPED, detail);
        }
    }
}
