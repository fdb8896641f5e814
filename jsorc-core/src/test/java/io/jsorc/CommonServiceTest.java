package io.jsorc;

import io.jsorc.fixtures.Fixtures;
import io.jsorc.fixtures.Fixtures.Boom;
import io.jsorc.fixtures.Fixtures.Disabled;
import io.jsorc.fixtures.Fixtures.PostBoom;
import io.jsorc.fixtures.Fixtures.Simple;
import io.jsorc.fixtures.Fixtures.Worker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class CommonServiceTest {

    private Orchestrator o;

    private Orchestrator orchestrator(Orchestrator.Builder builder) {
        o = builder.build();
        return o;
    }

    @AfterEach
    void close() {
        if (o != null) {
            o.close();
        }
    }

    public record SimpleConfig(String host, int port) { }

    @Test
    void flagsAreTakenOutOfTheConfig() {
        orchestrator(Fixtures.builder(Simple.class)
                .config("SIMPLE_CONFIG", "{\"enabled\":true,\"quiet\":true,\"automated\":true,\"host\":\"x\"}"));
        CommonService<?> s = o.svc("simple");
        assertThat(s.config()).isEqualTo(Map.of("host", "x"));
        assertThat(s.isEnabled()).isTrue();
        assertThat(s.isQuiet()).isTrue();
        assertThat(s.isAutomated()).isTrue();
        assertThatThrownBy(() -> s.config().put("a", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void configBindsToARecord() {
        orchestrator(Fixtures.builder(Simple.class)
                .config("SIMPLE_CONFIG", "{\"enabled\":true,\"host\":\"h\",\"port\":\"6380\",\"extra\":1}"));
        assertThat(o.svc("simple").config(SimpleConfig.class)).isEqualTo(new SimpleConfig("h", 6380));
    }

    @Test
    void disabledServiceStaysNotStartedAndPokeSaysSo() {
        orchestrator(Fixtures.builder(Disabled.class));
        CommonService<?> s = o.svc("disabled");
        assertThat(s.state()).isEqualTo(ServiceState.NOT_STARTED);
        assertThat(s.isEnabled()).isFalse();
        assertThat(s.isReady()).isTrue();
        assertThat(((Disabled) s).runs.get()).isZero();
        assertThatThrownBy(s::poke).isInstanceOf(ServiceNotRunningException.class)
                .hasMessage("Disabled is disabled or not yet configured!");
        assertThatThrownBy(() -> s.poke("m")).isInstanceOf(ServiceNotRunningException.class).hasMessage("m");
    }

    @Test
    void serviceWithoutAnyConfigIsDisabled() {
        orchestrator(Fixtures.builder(BareService.class));
        assertThat(o.svc("bare").isEnabled()).isFalse();
        assertThat(o.svc("bare").state()).isEqualTo(ServiceState.NOT_STARTED);
    }

    @Service(name = "bare")
    public static class BareService extends Fixtures.Recorder { }

    @Test
    void runThrowingFailsTheServiceAndCallsTheHookOnce() {
        orchestrator(Fixtures.builder(Boom.class));
        Boom s = o.svc("boom", Boom.class);
        assertThat(s.state()).isEqualTo(ServiceState.FAILED);
        assertThat(s.hasFailed()).isTrue();
        assertThat(s.error()).hasMessage("cannot connect");
        assertThat(s.app()).isNull();
        assertThat(s.failures.get()).isEqualTo(1);
        assertThat(o.svc("boom")).isSameAs(s); // a failed service stays cached
        assertThatThrownBy(s::poke).isInstanceOf(ServiceNotRunningException.class).hasCauseReference(s.error());
    }

    @Test
    void postRunThrowingFailsTheService() {
        orchestrator(Fixtures.builder(PostBoom.class));
        PostBoom s = o.svc("postboom", PostBoom.class);
        assertThat(s.state()).isEqualTo(ServiceState.FAILED);
        assertThat(s.app()).isNull();
        assertThat(s.error()).hasMessage("post failed");
        assertThat(s.failures.get()).isEqualTo(1);
    }

    @Test
    void runReturningNullIsAFailureWithAClearMessage() {
        orchestrator(Fixtures.builder(Fixtures.NullApp.class));
        CommonService<?> s = o.svc("nullapp");
        assertThat(s.hasFailed()).isTrue();
        assertThat(s.error()).hasMessageContaining("run() of service 'nullapp' returned null");
    }

    @Test
    void pokeReturnsTheServiceOrTheApp() {
        orchestrator(Fixtures.builder(Simple.class));
        CommonService<?> s = o.svc("simple");
        assertThat(s.poke(Simple.class)).isSameAs(s);
        assertThat(s.poke(CommonService.class)).isSameAs(s);
        assertThat(s.poke()).isEqualTo("app-of-simple");
        assertThat(s.poke(String.class)).isEqualTo("app-of-simple");
        assertThat(s.poke(CharSequence.class)).isEqualTo("app-of-simple");
    }

    @Test
    void illegalTransitionsNameServiceAndState() {
        orchestrator(Fixtures.builder(Simple.class, Boom.class));
        CommonService<?> running = o.svc("simple");
        assertThatThrownBy(running::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'simple'").hasMessageContaining("RUNNING");
        CommonService<?> failed = o.svc("boom");
        assertThatThrownBy(failed::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'boom'").hasMessageContaining("FAILED");
        assertThatThrownBy(() -> failed.markFailed(new RuntimeException())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FAILED");
    }

    @Test
    void invalidFlagFailsTheServiceNamingTheFlag() {
        orchestrator(Fixtures.builder(Simple.class).config("SIMPLE_CONFIG", "{\"enabled\":\"yes\"}"));
        CommonService<?> s = o.svc("simple");
        assertThat(s.hasFailed()).isTrue();
        assertThat(s.error()).hasMessageContaining("'enabled'").hasMessageContaining("yes")
                .hasMessageContaining("true or false");
    }

    @Test
    void listenersSeeEveryTransition() {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        orchestrator(Fixtures.builder(Simple.class, Boom.class)
                .listener((name, from, to, error) -> seen.add(name + ":" + from + "->" + to
                        + (error == null ? "" : "!" + error.getMessage()))));
        o.svc("simple");
        o.svc("boom");
        assertThat(seen).containsExactly("simple:NOT_STARTED->STARTED", "simple:STARTED->RUNNING",
                "boom:NOT_STARTED->STARTED", "boom:STARTED->FAILED!cannot connect");
    }

    @Test
    void infoMasksSecrets() {
        orchestrator(Fixtures.builder(Simple.class).config("SIMPLE_CONFIG",
                "{\"enabled\":true,\"host\":\"h\",\"password\":\"hunter2\",\"api_key\":\"k\","
                        + "\"nested\":{\"Token\":\"t\",\"user\":\"u\"}}"));
        ServiceInfo info = o.svc("simple").info();
        assertThat(info.name()).isEqualTo("simple");
        assertThat(info.state()).isEqualTo(ServiceState.RUNNING);
        assertThat(info.config()).containsEntry("password", "****").containsEntry("api_key", "****")
                .containsEntry("host", "h").containsEntry("nested", Map.of("Token", "****", "user", "u"));
        assertThat(info.toString()).doesNotContain("hunter2");
        assertThat(o.svc("simple").config()).containsEntry("password", "hunter2");
    }

    @Test
    void daemonsAreSingletonsByNameAndStopWithTheService() {
        orchestrator(Fixtures.builder(Worker.class));
        Worker s = o.svc("worker", Worker.class);
        Thread first = s.spawnDaemon("w", Worker::sleepUntilInterrupted);
        Thread second = s.spawnDaemon("w", Worker::sleepUntilInterrupted);
        assertThat(second).isSameAs(first);
        assertThat(first.getName()).isEqualTo("jsorc-worker-w");
        assertThat(first.isDaemon()).isTrue();
        assertThat(s.daemons()).containsExactly("w");

        s.terminateDaemon("w");
        assertThat(first.isAlive()).isFalse();
        assertThat(s.daemons()).isEmpty();

        Thread third = s.spawnDaemon("w", Worker::sleepUntilInterrupted);
        assertThat(third).isNotSameAs(first);
        s.markFailed(new IllegalStateException("lost connection"));
        assertThat(third.isAlive()).isFalse();
        assertThatThrownBy(() -> s.spawnDaemon("w", Worker::sleepUntilInterrupted))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has stopped");

        Worker refreshed = (Worker) o.serviceRefresh("worker");
        assertThat(refreshed.daemons()).containsExactly("w"); // postRun spawned it
        Thread fourth = refreshed.spawnDaemon("w", Worker::sleepUntilInterrupted);
        o.serviceRefresh("worker");
        assertThat(fourth.isAlive()).isFalse();

        Thread fifth = o.svc("worker", Worker.class).spawnDaemon("w", Worker::sleepUntilInterrupted);
        o.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !fifth.isAlive());
    }
}
