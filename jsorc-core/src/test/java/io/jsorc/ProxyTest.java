package io.jsorc;

import io.jsorc.config.MemoryHook;
import io.jsorc.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A hook that needs a service whose config comes through that hook: the proxy rule breaks the cycle. */
class ProxyTest {

    @Service(name = "backend", proxy = true)
    public static class Backend extends Fixtures.Recorder { }

    @Service(name = "direct")
    public static class Direct extends Fixtures.Recorder { }

    /** Asks for a service while being constructed (attach runs inside construction). */
    public static class NeedyHook extends MemoryHook {
        static final Map<String, CommonService<?>> SEEN = new java.util.concurrent.ConcurrentHashMap<>();
        private final String wanted;

        NeedyHook(String wanted) {
            this.wanted = wanted;
        }

        @Override
        public void attach(ComponentContext context) {
            super.attach(context);
            SEEN.put(wanted, context.svc(wanted));
        }
    }

    @Repository(name = "hook", priority = 1)
    public static class BackendHook extends NeedyHook {
        public BackendHook() {
            super("backend");
        }
    }

    @Repository(name = "hook", priority = 1)
    public static class DirectHook extends NeedyHook {
        public DirectHook() {
            super("direct");
        }
    }

    @Test
    void repositoryUnderConstructionGetsANeverRunningPlaceholder() {
        try (Orchestrator o = Fixtures.builder(Backend.class, BackendHook.class)
                .config("BACKEND_CONFIG", "{\"enabled\": true}").build()) {
            CommonService<?> backend = o.svc("backend");
            assertThat(backend.isRunning()).isTrue();
            CommonService<?> placeholder = NeedyHook.SEEN.get("backend");
            assertThat(placeholder).isInstanceOf(Backend.class).isNotSameAs(backend);
            assertThat(placeholder.isRunning()).isFalse();
            assertThat(placeholder.state()).isEqualTo(ServiceState.NOT_STARTED);
            assertThat(placeholder.isEnabled()).isFalse();
            // Once built, repositories get the real one; the placeholder was never cached.
            o.src("hook");
            assertThat(NeedyHook.SEEN.get("backend")).isSameAs(backend);
            assertThat(o.svc("backend")).isSameAs(backend);
        }
    }

    @Test
    void withoutProxyTheCycleIsReportedNotRecursed() {
        try (Orchestrator o = Fixtures.builder(Direct.class, DirectHook.class)
                .config("DIRECT_CONFIG", "{\"enabled\": true}").build()) {
            // The config read fails (the hook asked for the service being built): FAILED, with the cycle named.
            CommonService<?> direct = o.svc("direct");
            assertThat(direct.hasFailed()).isTrue();
            assertThat(direct.error()).hasMessageContaining("Config of service 'direct' cannot be read")
                    .hasRootCauseInstanceOf(IllegalStateException.class)
                    .rootCause().hasMessageContaining("Service 'direct' asked for itself while starting");
        }
    }
}
