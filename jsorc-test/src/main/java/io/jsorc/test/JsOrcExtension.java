package io.jsorc.test;

import io.jsorc.JsOrc;
import io.jsorc.Orchestrator;
import io.jsorc.config.Hook;
import io.jsorc.config.MemoryHook;
import io.jsorc.inject.Ctx;
import io.jsorc.inject.Injector;
import io.jsorc.inject.Src;
import io.jsorc.inject.Svc;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The extension behind {@link JsOrcTest}. The orchestrator lives in the test method's
 * {@link ExtensionContext.Store}; it is created before each test and closed after it.
 */
public final class JsOrcExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(JsOrcExtension.class);
    private static final String STATE = "state";
    private static final String DEFAULT_OVERRIDES = "default-overrides";
    private static final long LEAK_GRACE_MILLIS = 2_000;

    /** Per-test state kept in the store. */
    private record State(Orchestrator orchestrator, Orchestrator previous, Set<Thread> threadsBefore) {
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // A Redis server of the class is running and empty before this orchestrator is built, whichever of
        // @WithRedis and @JsOrcTest the class declares first.
        RedisServerExtension.prepare(context);
        Optional<JsOrcTest> settings = TestClasses.find(context.getRequiredTestClass(), JsOrcTest.class);
        Orchestrator.Builder builder = Orchestrator.builder();
        settings.ifPresent(s -> {
            if (s.scanPackages().length > 0) {
                builder.scanPackages(s.scanPackages());
            }
            builder.register(s.register());
        });
        Hook backend = backend(context, settings.map(JsOrcTest::hook).orElse(Hook.class));
        if (backend != null) {
            builder.hook(backend);
        }
        // A test server's overrides are declared too: the module that owns the key may not be on the classpath.
        defaultOverrides(context).keySet().forEach(builder::declareConfigKey);
        overrides(context).forEach(builder::config);
        Set<Thread> before = ThreadLeaks.jsorcThreads();
        Orchestrator orchestrator;
        try {
            orchestrator = builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("@JsOrcTest " + context.getRequiredTestClass().getName()
                    + context.getTestMethod().map(m -> "." + m.getName()).orElse("") + ": its orchestrator cannot be "
                    + "built from the class's settings (@JsOrcTest, @JsOrcConfig, @WithRedis): " + e.getMessage(), e);
        }
        Orchestrator previous = JsOrc.install(orchestrator);
        context.getStore(NAMESPACE).put(STATE, new State(orchestrator, previous, before));
        if (settings.map(JsOrcTest::start).orElse(true)) {
            orchestrator.start();
        }
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            Injector.inject(instance, orchestrator);
        }
    }

    /** The config backend of one test: an isolated memory store unless the test asked for another. */
    private static Hook backend(ExtensionContext context, Class<? extends Hook> wanted) {
        if (wanted != Hook.class) {
            try {
                return wanted.getConstructor().newInstance();
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw new IllegalArgumentException("@JsOrcTest(hook = " + wanted.getName() + "): its constructor threw "
                        + e.getCause(), e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("@JsOrcTest(hook = " + wanted.getName() + "): the backend needs a "
                        + "public no-arg constructor (a public class; a nested one static)", e);
            }
        }
        if (TestClasses.find(context.getRequiredTestClass(), WithRedis.class).isPresent()) {
            return null; // the classpath's winning hook: the Redis hook on the test's server
        }
        return new MemoryHook();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        State state = context.getStore(NAMESPACE).remove(STATE, State.class);
        if (state == null) {
            return;
        }
        try {
            state.orchestrator().close();
        } finally {
            JsOrc.install(state.previous());
        }
        List<Thread> leaked = ThreadLeaks.awaitGone(state.threadsBefore(), LEAK_GRACE_MILLIS);
        if (!leaked.isEmpty()) {
            List<String> names = new ArrayList<>();
            leaked.forEach(t -> names.add(t.getName()));
            throw new AssertionError("Test leaked JsOrc threads (still alive " + LEAK_GRACE_MILLIS
                    + " ms after the orchestrator closed): " + names);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Parameter parameter = parameterContext.getParameter();
        return parameter.getType() == Orchestrator.class
                || parameterContext.isAnnotated(Svc.class)
                || parameterContext.isAnnotated(Src.class)
                || parameterContext.isAnnotated(Ctx.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        State state = extensionContext.getStore(NAMESPACE).get(STATE, State.class);
        if (state == null) {
            throw new ParameterResolutionException("No JsOrc orchestrator for " + parameterContext.getParameter()
                    + ": only test methods (not constructors or @BeforeAll) of a @JsOrcTest class get one");
        }
        Parameter parameter = parameterContext.getParameter();
        if (parameter.getType() == Orchestrator.class) {
            return state.orchestrator();
        }
        try {
            return Injector.resolve(parameter.getType(), parameter.getAnnotation(Svc.class),
                    parameter.getAnnotation(Src.class), parameter.getAnnotation(Ctx.class), state.orchestrator(),
                    parameter.toString());
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("Cannot resolve " + parameter + ": " + e.getMessage(), e);
        }
    }

    /**
     * Lets another extension (a test server's) supply config overrides for every orchestrator built below
     * {@code context}; {@link JsOrcConfig} annotations win over them.
     *
     * @param context   a class-level (or method-level) extension context
     * @param overrides key -> JSON object
     */
    public static void addDefaultOverrides(ExtensionContext context, Map<String, String> overrides) {
        @SuppressWarnings("unchecked")
        Map<String, String> existing = context.getStore(NAMESPACE).getOrComputeIfAbsent(DEFAULT_OVERRIDES,
                k -> new java.util.concurrent.ConcurrentHashMap<String, String>(), Map.class);
        existing.putAll(overrides);
    }

    private static Map<String, String> defaultOverrides(ExtensionContext context) {
        // The store looks up parent contexts itself: a class-level entry is seen from the method.
        @SuppressWarnings("unchecked")
        Map<String, String> level = context.getStore(NAMESPACE).get(DEFAULT_OVERRIDES, Map.class);
        return level == null ? Map.of() : level;
    }

    private static Map<String, String> overrides(ExtensionContext context) {
        Map<String, String> out = new LinkedHashMap<>(defaultOverrides(context));
        TestClasses.outermostFirst(context.getRequiredTestClass()).forEach(c -> collect(c, out)); // the inner wins
        context.getTestMethod().ifPresent(method -> collect(method, out));
        return out;
    }

    private static void collect(AnnotatedElement element, Map<String, String> out) {
        for (JsOrcConfig config : AnnotationSupport.findRepeatableAnnotations(element, JsOrcConfig.class)) {
            out.put(config.key(), config.json());
        }
    }
}
