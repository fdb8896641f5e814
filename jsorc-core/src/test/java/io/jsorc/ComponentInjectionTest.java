package io.jsorc;

import io.jsorc.fixtures.Fixtures;
import io.jsorc.inject.Ctx;
import io.jsorc.inject.Src;
import io.jsorc.inject.Svc;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Components get their {@code @Svc}/{@code @Src}/{@code @Ctx} fields and constructor parameters filled. */
class ComponentInjectionTest {

    @Repository(name = "store")
    public static class Store {
        @Svc("simple")
        Fixtures.Simple simple;
    }

    @Service(name = "user", config = "SIMPLE_CONFIG")
    public static class User extends CommonService<String> {
        @Src("store")
        Store store;
        String seenInRun;

        @Override
        protected String run() {
            seenInRun = store == null ? "no store" : "store with " + store.simple.name();
            return seenInRun;
        }
    }

    @Context(name = "cart")
    public static class Cart {
        final Store store;
        final Fixtures.Simple simple;

        public Cart(@Src("store") Store store, @Svc("simple") Fixtures.Simple simple) {
            this.store = store;
            this.simple = simple;
        }
    }

    @Context(name = "left")
    public static class Left {
        @Ctx("right")
        Object right;
    }

    @Context(name = "right")
    public static class Right {
        @Ctx("left")
        Object left;
    }

    @Service(name = "ping", config = "SIMPLE_CONFIG")
    public static class Ping extends Fixtures.Recorder {
        @Svc("pong")
        CommonService<?> pong;
    }

    @Service(name = "pong", config = "SIMPLE_CONFIG")
    public static class Pong extends Fixtures.Recorder {
        @Svc("ping")
        CommonService<?> ping;
    }

    @Test
    void fieldsOfServicesAreFilledBeforeRunAndThoseOfRepositoriesAtCreation() {
        try (Orchestrator o = Fixtures.builder(Store.class, User.class, Fixtures.Simple.class).build()) {
            User user = o.svc("user", User.class);
            assertThat(user.isRunning()).as(String.valueOf(user.error())).isTrue();
            assertThat(user.seenInRun).isEqualTo("store with simple");
            assertThat(o.src("store", Store.class).simple).isSameAs(o.svc("simple"));
        }
    }

    @Test
    void aSingleConstructorWithInjectionPointsIsUsed() {
        try (Orchestrator o = Fixtures.builder(Store.class, Cart.class, Fixtures.Simple.class).build()) {
            Cart cart = o.ctx("cart", Cart.class);
            assertThat(cart.store).isNotNull();
            assertThat(cart.simple).isSameAs(o.svc("simple"));
            assertThat(o.get("cart", Cart.class).store).isNotNull();
        }
    }

    @Test
    void aCycleOfContextsNamesTheChain() {
        try (Orchestrator o = Fixtures.builder(Left.class, Right.class).build()) {
            assertThatThrownBy(() -> o.ctx("left")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("context 'left' -> context 'right' -> context 'left'");
        }
    }

    @Test
    void aCycleOfServicesNamesTheChain() {
        try (Orchestrator o = Fixtures.builder(Ping.class, Pong.class).build()) {
            o.svc("ping");
            CommonService<?> pong = o.svc("pong");
            assertThat(pong.hasFailed()).isTrue();
            assertThat(pong.error()).hasMessageContaining("service 'ping' -> service 'pong' -> service 'ping'");
        }
    }
}
