package io.jsorc.test;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.Map;

/** The extension behind {@link WithRedis}. The server lives in the test class's store. */
public final class RedisServerExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback,
        ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(RedisServerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        RedisServer server = RedisServer.startNew();
        context.getStore(NAMESPACE).put("server", server);
        String extra = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), WithRedis.class)
                .map(WithRedis::config).orElse("");
        JsOrcExtension.addDefaultOverrides(context, Map.of("REDIS_CONFIG", server.redisConfig(extra)));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        RedisServer server = server(context);
        if (!server.isRunning()) {
            server.start();
        }
        server.flushAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        RedisServer server = context.getStore(NAMESPACE).remove("server", RedisServer.class);
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
        RedisServer server = context.getStore(NAMESPACE).get("server", RedisServer.class);
        if (server == null) {
            throw new IllegalStateException("No redis-server: @WithRedis starts one per test class");
        }
        return server;
    }
}
