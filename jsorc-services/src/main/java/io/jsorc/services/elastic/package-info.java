/**
 * The {@code elastic} service: log shipping to Elasticsearch or OpenSearch through a bounded queue, lifecycle policy
 * and data-stream template, activity documents, and the Logback appender and JUL handler.
 *
 * <p>Depends on the core below the facade; the appenders find the global orchestrator with {@code JsOrc.current()}
 * only.
 */
package io.jsorc.services.elastic;
