/**
 * Small building blocks with no dependency on the rest of JsOrc: {@link io.jsorc.base.Backoff} (exponential retry
 * delays with jitter) and {@link io.jsorc.base.DaemonThreads} (named daemon threads that log their death). Every other
 * package may use this one; it uses none of them, so that it stays a leaf.
 */
package io.jsorc.base;
