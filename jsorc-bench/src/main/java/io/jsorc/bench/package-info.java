/**
 * JMH benchmarks of JsOrc side by side with Spring, Guice and the JDK, plus the recovery harness and the report that
 * writes BENCHMARKS.md.
 */
package io.jsorc.bench;
