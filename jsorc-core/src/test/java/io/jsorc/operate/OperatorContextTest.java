package io.jsorc.operate;

import io.jsorc.Orchestrator;
import io.jsorc.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OperatorContextTest {

    private static Set<Thread> regenThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("jsorc-regen") && t.isAlive()).collect(Collectors.toSet());
    }

    @Test
    void everyOrchestratorPublishesOneWithItsOwnId() {
        try (Orchestrator a = Orchestrator.builder().scanPackages().register(Fixtures.Simple.class).build();
             Orchestrator b = Orchestrator.builder().scanPackages().build()) {
            OperatorContext first = OperatorContext.of(a);
            assertThat(OperatorContext.of(a)).isSameAs(first);
            assertThat(OperatorContext.of(b).id()).isNotEqualTo(first.id()).startsWith("jsorc-");
            assertThat(first.serviceNames()).contains("simple");
            assertThat(first.configKeyOf("simple")).contains("SIMPLE_CONFIG");
            assertThat(first.configKeyOf("nope")).isEmpty();
            assertThat(first.current("simple")).isEmpty();
            a.svc("simple");
            assertThat(first.current("simple")).isPresent();
        }
    }

    @Test
    void restartingTheRegenerationLoopRereadsTheIntervalAndStartsAFreshThread() {
        try (Orchestrator orchestrator = Orchestrator.builder().scanPackages().build()) {
            OperatorContext operator = OperatorContext.of(orchestrator);
            assertThat(operator.regenerationAlive()).isFalse();
            assertThatThrownBy(operator::restartRegeneration).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("NEW");
            orchestrator.start();
            assertThat(operator.regenerationAlive()).isTrue();
            Set<Thread> before = regenThreads();
            orchestrator.configSet("JSORC_CONFIG", "{\"backoff_interval\": 3}");
            operator.restartRegeneration();
            assertThat(operator.regenerationInterval()).isEqualTo(Duration.ofSeconds(3));
            assertThat(operator.regenerationAlive()).isTrue();
            Set<Thread> after = regenThreads();
            Set<Thread> fresh = new HashSet<>(after);
            fresh.removeAll(before);
            Set<Thread> gone = new HashSet<>(before);
            gone.removeAll(after);
            assertThat(fresh).as("a fresh loop thread").hasSize(1);
            assertThat(gone).as("the old loop thread ended").hasSize(1);
            orchestrator.close();
            assertThat(operator.regenerationAlive()).isFalse();
            assertThat(operator.isStarted()).isFalse();
        }
    }
}
