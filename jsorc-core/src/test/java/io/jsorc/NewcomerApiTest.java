package io.jsorc;

import io.jsorc.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What tripped a newcomer: a partial serviceConfigSet that silently dropped flags, and poke() on a failed service. */
class NewcomerApiTest {

    @Test
    void serviceConfigSetKeepsTheDefaultsOfFieldsItLeavesOut() {
        Fixtures.Flaky.ATTEMPTS.set(0);
        Fixtures.Flaky.fails = 0;
        try (Orchestrator o = Fixtures.builder(Fixtures.Flaky.class).build()) {
            // FLAKY_CONFIG's default is automated and quiet; the README's quick start leaves both out.
            CommonService<?> flaky = o.serviceConfigSet("flaky", "{\"enabled\": true, \"extra\": 1}");
            assertThat(flaky.isAutomated()).isTrue();
            assertThat(flaky.isQuiet()).isTrue();
            assertThat(flaky.config()).containsEntry("extra", 1);
            // Given explicitly, a flag still wins over the default.
            assertThat(o.serviceConfigSet("flaky", "{\"enabled\": true, \"automated\": false}").isAutomated())
                    .isFalse();
            assertThat(o.configGet("FLAKY_CONFIG")).doesNotContain("extra");
        }
    }

    @Test
    void pokeOnAFailedServiceSaysItFailedAndWhy() {
        try (Orchestrator o = Fixtures.builder(Fixtures.Boom.class).build()) {
            CommonService<?> boom = o.svc("boom");
            assertThat(boom.hasFailed()).isTrue();
            assertThatThrownBy(boom::poke).isInstanceOf(ServiceNotRunningException.class)
                    .hasMessageStartingWith("Service 'boom' failed: cannot connect")
                    .hasCauseInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aServiceFailingAtEveryRetryWarnsOnceNotAtEveryStep() {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try (Orchestrator o = Fixtures.builder(Fixtures.Boom.class).build()) {
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            for (int i = 0; i < 6; i++) {
                o.serviceRefresh("boom");
            }
        } finally {
            System.setErr(original);
        }
        String output = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        long warnings = output.lines().filter(l -> l.contains("WARN") && l.contains("Service 'boom' failed")).count();
        System.out.println("WARN lines for 6 identical failures: " + warnings);
        assertThat(warnings).isEqualTo(1);
    }
}
