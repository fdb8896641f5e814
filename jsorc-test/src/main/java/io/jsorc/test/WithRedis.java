package io.jsorc.test;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Starts one real {@code redis-server} for the test class (free loopback port, persistence off), flushes it and makes
 * sure it runs before each test, and stops it by pid after the class. Test methods (and {@code @BeforeEach}) can take
 * a {@link RedisServer} parameter to learn its port or to kill and restart it. With {@link JsOrcTest} on the same
 * class, every test's orchestrator gets {@code REDIS_CONFIG} pointing at it (a {@link JsOrcConfig} still wins), and
 * the server runs and is empty before that orchestrator is built, in whichever order the two annotations are written.
 * A {@code @Nested} class uses the server of the class around it.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(RedisServerExtension.class)
public @interface WithRedis {

    /** {@return extra {@code REDIS_CONFIG} fields (without braces), e.g. {@code "\"timeout_ms\": 500"}} */
    String config() default "";
}
