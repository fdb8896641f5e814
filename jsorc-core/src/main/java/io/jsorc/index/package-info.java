/**
 * The compile-time component index: an annotation processor that writes {@code META-INF/jsorc/index} and the reader
 * the registry uses instead of a classpath scan.
 *
 * <p>Depends on nothing else in JsOrc.
 */
package io.jsorc.index;
