/**
 * The JUnit 5 test kit: {@link io.jsorc.test.JsOrcTest}, config and injection of components into tests, a real {@code
 * redis-server} per test class, and leaked-thread detection.
 *
 * <p>May depend on the facade.
 */
package io.jsorc.test;
