package io.jsorc.test;

import org.junit.jupiter.api.extension.ExtendWith;

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
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(JsOrcExtension.class)
public @interface JsOrcTest {

    /**
     * {@return packages to scan for components; empty means the {@code jsorc.scan.packages} system property, or the
     * whole classpath}
     */
    String[] scanPackages() default {};

    /** {@return classes registered in addition to the scan} */
    Class<?>[] register() default {};

    /** {@return whether the orchestrator is started (pre-loaded services, regeneration loop); default true} */
    boolean start() default true;
}
