package io.jsorc.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Overrides the default of a config key for a {@link JsOrcTest} class or method (a method's override wins over the
 * class's for the same key).
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(JsOrcConfigs.class)
public @interface JsOrcConfig {

    /** {@return the config key, e.g. {@code REDIS_CONFIG}} */
    String key();

    /** {@return the JSON object that replaces the key's default} */
    String json();
}
