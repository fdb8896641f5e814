package io.jsorc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a context: a plain class of which {@code JsOrc.ctx(name, args...)} returns a new instance on every call,
 * and {@code JsOrc.get(name)} a persisting one.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Context {

    /** The name the context is looked up by. */
    String name();

    /** Higher wins among classes registered under the same name. */
    int priority() default 0;
}
