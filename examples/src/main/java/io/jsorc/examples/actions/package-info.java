/**
 * Example action modules and the load test that places them under each placement policy.
 *
 * <p>May depend on the facade and {@code io.jsorc.action}.
 */
package io.jsorc.examples.actions;
