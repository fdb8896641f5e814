package io.jsorc.action;

import io.jsorc.Orchestrator;
import io.jsorc.fixtures.actions.Calc;
import io.jsorc.metrics.JsOrcMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Action calls and marked host requests reach the Micrometer registry (moved from the core's JsOrcMetricsTest). */
class ActionMetricsTest {

    @Test
    void actionCallsAndRequestsAreMeasured() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Orchestrator o = Orchestrator.builder().scanPackages().build()) {
            new JsOrcMetrics(o).bindTo(registry);

            ActionManager actions = o.get("action_manager", ActionManager.class);
            actions.config("calc", ActionConfig.of(Calc.class));
            actions.load("calc", ActionMode.LOCAL);
            actions.call("calc.add", 1, 2);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> actions.call("calc.fail", "x"));
            assertThat(registry.get("jsorc.action.calls").tag("module", "calc").tag("mode", "LOCAL")
                    .tag("outcome", "ok").timer().count()).isEqualTo(1);
            assertThat(registry.get("jsorc.action.calls").tag("outcome", "error").timer().count()).isEqualTo(1);
            try (var request = actions.request("walk", "one")) {
                actions.call("calc.add", 3, 4);
            }
            assertThat(registry.get("jsorc.requests").tag("type", "walk").tag("name", "one").timer().count())
                    .isEqualTo(1);
        }
    }
}
