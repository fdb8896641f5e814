/**
 * The admin service: the operator's HTTP API of a running host ({@code POST /js_admin/<operation>}, a token
 * required), its health and readiness probes, and the load-test SPI its {@code jsorc_loadtest} operation runs.
 * Written against {@link io.jsorc.operate.OperatorContext} and the action manager, never the facade.
 */
package io.jsorc.admin;
