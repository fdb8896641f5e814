/**
 * The admin server's dashboard: a single page served from the classpath, sign-in that trades the admin token for a
 * session cookie (with a CSRF header for requests that change something), and a Server-Sent Events stream of what
 * the orchestrator does. Built on the same Jetty core handlers as the admin API; reaches the orchestrator only
 * through {@link io.jsorc.operate.OperatorContext} and the core's event hooks.
 */
package io.jsorc.admin.dashboard;
