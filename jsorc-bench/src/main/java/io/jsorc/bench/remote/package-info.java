/**
 * The candidates the remote action call was chosen from, measured side by side in
 * {@link io.jsorc.bench.ActionCallBenchmark}: the JDK's {@code com.sun.net.httpserver} server (what served remote
 * actions before), the JDK's and Jetty's HTTP clients, and a raw-socket echo server, the physical floor of a loopback
 * round trip between two JVMs.
 */
package io.jsorc.bench.remote;
