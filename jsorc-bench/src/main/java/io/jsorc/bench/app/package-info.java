/**
 * The "real app" of the startup benchmark: two services of its own beside {@code jsorc-services}, and
 * {@link io.jsorc.bench.app.RealApp}, which times build + start + first lookups in a fresh JVM.
 */
package io.jsorc.bench.app;
