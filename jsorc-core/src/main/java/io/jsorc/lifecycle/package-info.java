/**
 * The named daemon threads of a service.
 *
 * <p>Depends only on {@code io.jsorc.base}.
 */
package io.jsorc.lifecycle;
