/**
 * The JMX view of an orchestrator: one {@link io.jsorc.admin.jmx.OrchestratorMXBean} per orchestrator, registered
 * as {@code io.jsorc:type=Orchestrator,name=<id>} while it runs, so JConsole and JMX exporters see JsOrc with no
 * extra port.
 */
package io.jsorc.admin.jmx;
