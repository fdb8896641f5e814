package io.jsorc.test;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs each test method of the class against a fresh {@link io.jsorc.Orchestrator}: built from the test classpath,
 * started, installed as the global one (so {@code JsOrc.*} reaches it), closed afterwards with the previous global
 * restored. Fields and parameters annotated {@code @Svc}, {@code @Src}, {@code @Ctx} are injected; a parameter of
 * type {@code Orchestrator} receives the test's orchestrator. A test fails when it leaks a {@code jsorc-*} thread.
 * Each test has its own in-memory config store unless it asks for another ({@link #hook()}, {@link WithRedis}).
 *
 * <p>A {@code @Nested} class inherits the settings of the classes around it ({@code @JsOrcTest}, {@link WithRedis},
 * class-level {@link JsOrcConfig}s, the inner ones winning) and uses the outer class's Redis server. Since every test
 * installs its orchestrator as the global one, {@code @JsOrcTest} classes never run in parallel with one another
 * (they share the {@value #GLOBAL_ORCHESTRATOR} resource lock) while other tests still may.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(JsOrcExtension.class)
@ResourceLock(JsOrcTest.GLOBAL_ORCHESTRATOR)
public @interface JsOrcTest {

    /** The resource lock every {@code @JsOrcTest} class holds: JsOrc's one global orchestrator. */
    String GLOBAL_ORCHESTRATOR = "io.jsorc.JsOrc.global";

    /**
     * {@return packages to scan for components; empty means the {@code jsorc.scan.packages} system property, or the
     * whole classpath}
     */
    String[] scanPackages() default {};

    /** {@return classes registered in addition to the scan} */
    Class<?>[] register() default {};

    /** {@return whether the orchestrator is started (pre-loaded services, regeneration loop); default true} */
    boolean start() default true;

    /**
     * Chooses the config store's backend. The default, {@code Hook.class}, gives each test an isolated in-memory
     * store, so no test reads what another wrote and no developer's Redis is touched; a class annotated
     * {@link WithRedis} gets the backend the classpath resolves instead (the Redis hook, on its test server). Any other
     * class names the backend to build (public no-arg constructor).
     *
     * @return the backend class, or {@code Hook.class} for the default
     */
    Class<? extends io.jsorc.config.Hook> hook() default io.jsorc.config.Hook.class;
}
