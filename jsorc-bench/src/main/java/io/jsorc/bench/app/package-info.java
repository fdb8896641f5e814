/**
 * The "real app" of the startup benchmark: two services of its own beside {@code jsorc-services}, and
 * {@link io.jsorc.bench.app.RealApp}, which times build + start + first lookups in a fresh JVM, and
 * {@link io.jsorc.bench.app.LibrariesAlone}, the floor under it: what the app's libraries alone cost there.
 */
package io.jsorc.bench.app;
