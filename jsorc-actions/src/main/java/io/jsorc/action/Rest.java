package io.jsorc.action;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code List} (or array) parameter that takes the remaining positional arguments, like Python's
 * {@code *args}; parameters after it are keyword-only. A Java varargs parameter does the same at the end.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Rest {
}
