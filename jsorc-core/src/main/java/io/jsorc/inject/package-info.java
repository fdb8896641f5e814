/**
 * Field injection of components ({@link io.jsorc.inject.Svc}, {@link io.jsorc.inject.Src}, {@link
 * io.jsorc.inject.Ctx}).
 *
 * <p>Depends only on the bottom types.
 */
package io.jsorc.inject;
