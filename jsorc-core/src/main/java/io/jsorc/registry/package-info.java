/**
 * The registry of annotated classes: scan or compile-time index, validation, and the winner per name by priority.
 *
 * <p>Depends on the bottom types and {@code io.jsorc.index}.
 */
package io.jsorc.registry;
