/**
 * The example host application (the main job): a few services, one of them flaky, run under an orchestrator.
 *
 * <p>May depend on everything in JsOrc, facade included.
 */
package io.jsorc.examples;
