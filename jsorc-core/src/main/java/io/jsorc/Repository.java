package io.jsorc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a repository: a data-access class of which {@code JsOrc.src(name)} returns a new instance on every call.
 * The config store's {@link io.jsorc.config.Hook} is the repository named {@code hook}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Repository {

    /** The name the repository is looked up by. */
    String name();

    /** Higher wins among classes registered under the same name. */
    int priority() default 0;
}
