package io.jsorc.action.policy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A policy that fails at every tick says so once, not at every tick, and says when it works again. */
class PolicyFailureLoggingTest {

    @Test
    void aPolicyFailingEveryTickWarnsOnceThenSaysItWorksAgain() {
        ScriptedControl control = new ScriptedControl();
        control.failure.set(new IllegalStateException("the module table is unreadable"));
        PolicyRunner runner = new PolicyRunner(control);
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            // perf_phase 0: every tick ends a performance phase and reads the loaded modules, which fails.
            runner.select("Evaluation", Map.of("perf_phase", 0, "tick_ms", 5));
            await().atMost(Duration.ofSeconds(30)).until(() -> control.failedReads.get() >= 20);
            control.failure.set(null);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> captured.toString(StandardCharsets.UTF_8).contains("works again"));
        } finally {
            runner.stop();
            System.setErr(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        long warnings = output.lines()
                .filter(l -> l.contains("WARN") && l.contains("Placement policy Evaluation")).count();
        System.out.println("WARN lines for " + control.failedReads.get() + " failed ticks: " + warnings);
        assertThat(warnings).isEqualTo(1);
        assertThat(output).contains("the module table is unreadable")
                .containsOnlyOnce("Placement policy Evaluation works again");
    }
}
