/**
 * Benchmarks that need package access to the elastic service's log queue.
 */
package io.jsorc.services.elastic;
