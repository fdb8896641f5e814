package io.jsorc.services.metrics;

import io.jsorc.Orchestrator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The metrics endpoint's threads: none of them keeps the host's JVM alive. */
class MetricsServiceTest {

    @Test
    void theEndpointStartedFromANonDaemonThreadRunsOnDaemonThreadsOnly() throws Exception {
        assertThat(Thread.currentThread().isDaemon()).as("started from a thread like a host's main").isFalse();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (Orchestrator orchestrator = Orchestrator.builder()
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("METRICS_CONFIG", "{\"enabled\": true, \"host\": \"127.0.0.1\", \"port\": 0}")
                .build()) {
            MetricsService metrics = orchestrator.svc("metrics", MetricsService.class);
            assertThat(metrics.isRunning()).as(String.valueOf(metrics.error())).isTrue();
            List<String> started = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> !before.contains(thread) && thread.isAlive())
                    .map(thread -> thread.getName() + (thread.isDaemon() ? "" : " (not a daemon)")).sorted().toList();
            System.out.println("threads started with the metrics endpoint: " + started);
            assertThat(started).contains("HTTP-Dispatcher").noneMatch(name -> name.endsWith("(not a daemon)"));
        }
    }
}
