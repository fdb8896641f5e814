package io.jsorc.action.remote;

import io.jsorc.action.ActionConfig;

/**
 * Starts and retires the remote server of an action module (SPI, found with {@link java.util.ServiceLoader}).
 * {@link ProcessActionLauncher} (a child JVM on loopback) is what dev machines and tests use, and the fallback; the
 * kube module provides one that deploys the module to the cluster, chosen while the kube service runs.
 */
public interface RemoteActionLauncher {

    /**
     * Tells whether this launcher can start servers now (the Kubernetes one needs a running kube service).
     *
     * @param context the action manager's component context (may be {@code null})
     * @return whether this launcher can start servers now
     */
    default boolean available(io.jsorc.ComponentContext context) {
        return true;
    }

    /** A started remote server. */
    interface Remote {

        /** {@return its base URL, without a trailing slash} */
        String url();

        /** {@return whether it still runs, as far as the launcher can tell} */
        boolean alive();

        /**
         * Tells what the server printed last, for the message of a start that failed.
         *
         * @return the last lines of its log, or an empty string when the launcher keeps none
         */
        default String lastLog() {
            return "";
        }

        /**
         * Returns the token the server wants on every call ({@code Authorization: Bearer ...}).
         *
         * @return the token, or {@code null} for a server that takes calls without one
         */
        default String token() {
            return null;
        }
    }

    /**
     * Starts the server (without waiting for it to answer; the manager polls its spec endpoint).
     *
     * @param name         the module name
     * @param config       its config
     * @param context      the action manager's component context (may be {@code null})
     * @return the started server
     * @throws Exception when it cannot be started
     */
    Remote launch(String name, ActionConfig config, io.jsorc.ComponentContext context) throws Exception;

    /**
     * Stops the server and deletes what launching it created. Idempotent.
     *
     * @param remote a server this launcher started
     */
    void retire(Remote remote);
}
