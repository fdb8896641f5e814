package io.jsorc.test;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.Map;

/** The extension behind {@link WithRedis}. The server lives in the test class's store. */
public final class RedisServerExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback,
        ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(RedisServerExtension.class);
    private static final String SERVER = "server";
    private static final String PREPARED = "prepared";

    @Override
    public void beforeAll(ExtensionContext context) {
        if (context.getStore(NAMESPACE).get(SERVER, RedisServer.class) != null) {
            return; // a @Nested class: its tests use the enclosing class's server (the store finds it there)
        }
        RedisServer server = RedisServer.startNew();
        context.getStore(NAMESPACE).put(SERVER, server);
        String extra = TestClasses.find(context.getRequiredTestClass(), WithRedis.class).map(WithRedis::config)
                .orElse("");
        JsOrcExtension.addDefaultOverrides(context, Map.of("REDIS_CONFIG", server.redisConfig(extra)));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        prepare(context);
    }

    /**
     * Makes sure the class's server runs and is empty, once per test: called by this extension and by
     * {@link JsOrcExtension} (which may run first), so the test's orchestrator never meets a server killed by the
     * previous test, nor has what it wrote at its start flushed away.
     *
     * @param context the test method's context
     */
    static void prepare(ExtensionContext context) {
        RedisServer server = context.getStore(NAMESPACE).get(SERVER, RedisServer.class);
        if (server == null || context.getTestMethod().isEmpty()
                || context.getStore(NAMESPACE).get(PREPARED, Boolean.class) != null) {
            return;
        }
        if (!server.isRunning()) {
            server.start();
        }
        server.flushAll();
        context.getStore(NAMESPACE).put(PREPARED, Boolean.TRUE); // in the method's own store: gone with the test
    }

    @Override
    public void afterAll(ExtensionContext context) {
        RedisServer server = context.getStore(NAMESPACE).remove(SERVER, RedisServer.class); // this level's only
        if (server != null) {
            server.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == RedisServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server(extensionContext);
    }

    private static RedisServer server(ExtensionContext context) {
        RedisServer server = context.getStore(NAMESPACE).get(SERVER, RedisServer.class);
        if (server == null) {
            throw new IllegalStateException("No redis-server: @WithRedis starts one per test class");
        }
        return server;
    }
}
