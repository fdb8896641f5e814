/**
 * The replicas simulation: many orchestrators in one JVM against the test Kubernetes API server, counting the API
 * writes each forced outage costs with and without leader election, and timing failover.
 */
package io.jsorc.bench.replicas;
