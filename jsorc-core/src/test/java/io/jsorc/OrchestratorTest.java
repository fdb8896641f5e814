package io.jsorc;

import io.jsorc.fixtures.Fixtures;
import io.jsorc.fixtures.Fixtures.Books;
import io.jsorc.fixtures.Fixtures.Cart;
import io.jsorc.fixtures.Fixtures.Session;
import io.jsorc.fixtures.Fixtures.Simple;
import io.jsorc.inject.Ctx;
import io.jsorc.inject.Src;
import io.jsorc.inject.Svc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrchestratorTest {

    private Orchestrator o;

    @BeforeEach
    void build() {
        o = Fixtures.builder(Simple.class, Books.class, Session.class, Cart.class, Fixtures.AmbiguousCtx.class)
                .build();
    }

    @AfterEach
    void close() {
        o.close();
    }

    @Test
    void svcReturnsOneRunningInstanceAndRefreshReplacesIt() {
        Simple first = o.svc("simple", Simple.class);
        assertThat(o.svc("simple")).isSameAs(first);
        assertThat(first.isRunning()).isTrue();

        CommonService<?> fresh = o.serviceRefresh("simple");
        assertThat(fresh).isNotSameAs(first);
        assertThat(fresh.isRunning()).isTrue();
        assertThat(o.svc("simple")).isSameAs(fresh);
        assertThat(first.deletes.get()).isEqualTo(1);
        assertThat(first.isRunning()).isFalse();
        assertThat(first.isDeleted()).isTrue();
    }

    @Test
    void builderStartBuildsAndStartsInOneCall() {
        try (Orchestrator started = Fixtures.builder(Simple.class)
                .config("JSORC_CONFIG", "{\"pre_loaded_services\": [\"simple\"]}").start()) {
            // start() ran: the pre-loaded service was built, and a second start is refused naming the phase.
            assertThat(started.toString()).startsWith("Orchestrator[STARTED");
            assertThat(started.svc("simple").isRunning()).isTrue();
            assertThatThrownBy(started::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("it is STARTED");
        }
    }

    @Test
    void ctxIsNewEachTimeGetPersistsRenewAndDestroyReplace() {
        assertThat(o.ctx("session")).isNotSameAs(o.ctx("session"));
        assertThat(o.src("books")).isNotSameAs(o.src("books"));

        Object persisted = o.get("session");
        assertThat(o.get("session")).isSameAs(persisted);

        Object renewed = o.renew("session");
        assertThat(renewed).isNotSameAs(persisted);
        assertThat(o.get("session")).isSameAs(renewed);

        o.destroy("session");
        Object afterDestroy = o.get("session");
        assertThat(afterDestroy).isNotSameAs(renewed);
        o.destroy("session");
        o.destroy("session"); // nothing persisted: no error
    }

    @Test
    void destroyClosesAutoCloseableContexts() {
        Cart cart = o.get("cart", Cart.class);
        o.destroy("cart");
        assertThat(cart.closed).isTrue();
        Cart again = o.get("cart", Cart.class);
        o.close();
        assertThat(again.closed).isTrue();
    }

    @Test
    void ctxArgumentsSelectTheConstructor() {
        assertThat(o.ctx("session", Session.class).user).isEqualTo("anonymous");
        assertThat(o.ctx("session", Session.class, "ann").timeout).isEqualTo(30);
        Session both = o.ctx("session", Session.class, "bob", 5);
        assertThat(both.user).isEqualTo("bob");
        assertThat(both.timeout).isEqualTo(5);

        assertThatThrownBy(() -> o.ctx("session", 1, 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No public constructor")
                .hasMessageContaining("(Integer, Integer, Integer)")
                .hasMessageContaining("Session(String, int)");
        assertThatThrownBy(() -> o.ctx("ambiguous", (Object) null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fit several public constructors");
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        List<Executable> calls = List.of(() -> o.svc("nope"), () -> o.src("nope"), () -> o.ctx("nope"),
                () -> o.get("nope"), () -> o.renew("nope"), () -> o.destroy("nope"), () -> o.serviceRefresh("nope"));
        for (Executable call : calls) {
            assertThatThrownBy(call::execute).isInstanceOf(NoSuchComponentException.class)
                    .hasMessageContaining("'nope'");
        }
        assertThatThrownBy(() -> o.svc("nope")).hasMessage(
                "No service named 'nope' is registered; known service names: [simple]");
        assertThatThrownBy(() -> o.src("nope")).hasMessageContaining("known repository names: [books, hook]");
        assertThatThrownBy(() -> o.ctx("nope")).hasMessageContaining("known context names: [ambiguous, cart, session]");
        assertThatThrownBy(() -> o.get("nope")).hasMessageContaining("known context names: [ambiguous, cart, session]");
    }

    @Test
    void typedLookupsNameWhatDidNotFit() {
        assertThatThrownBy(() -> o.svc("simple", Fixtures.Boom.class))
                .isInstanceOf(ClassCastException.class)
                .hasMessageContaining("Service 'simple' is a " + Simple.class.getName());
    }

    static class Target {
        @Svc("simple")
        Simple simple;
        @Src("books")
        Books books;
        @Ctx("session")
        Session session;
        Object untouched;
    }

    @Test
    void injectFillsAnnotatedFields() {
        Target target = o.inject(new Target());
        assertThat(target.simple).isSameAs(o.svc("simple"));
        assertThat(target.books).isNotNull();
        assertThat(target.session.user).isEqualTo("anonymous");
        assertThat(target.untouched).isNull();
    }

    @Test
    void facadeForwardsToTheInstalledOrchestrator() {
        Orchestrator previous = JsOrc.install(o);
        try {
            assertThat(JsOrc.svc("simple")).isSameAs(o.svc("simple"));
            assertThat(JsOrc.orchestrator()).isSameAs(o);
            Target target = JsOrc.inject(new Target());
            assertThat(target.simple).isSameAs(o.svc("simple"));
            assertThat(JsOrc.get("session")).isSameAs(o.get("session"));
        } finally {
            JsOrc.install(previous);
        }
    }

    @Test
    void shutdownClosesTheGlobalOrchestrator() {
        Orchestrator previous = JsOrc.install(o);
        try {
            JsOrc.shutdown();
            assertThat(o.isClosed()).isTrue();
            assertThatThrownBy(() -> o.svc("simple")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("CLOSED");
        } finally {
            JsOrc.install(previous);
        }
    }

    @Test
    void startTwiceIsIllegal() {
        o.start();
        assertThatThrownBy(o::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("STARTED");
    }
}
