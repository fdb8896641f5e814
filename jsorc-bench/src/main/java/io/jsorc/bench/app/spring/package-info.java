/** The "real app" of the startup benchmark as Spring beans: the same components as {@code io.jsorc.bench.app}. */
package io.jsorc.bench.app.spring;
