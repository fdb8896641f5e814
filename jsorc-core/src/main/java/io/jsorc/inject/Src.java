package io.jsorc.inject;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field (filled by {@code JsOrc.inject(target)}) or a test parameter (resolved by {@code jsorc-test}) that
 * receives a new instance of the repository of that name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER})
public @interface Src {

    /** {@return the component name} */
    String value();
}
