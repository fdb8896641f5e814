package io.jsorc.action;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public method of an {@link ActionModule} as an action. Parameters bind by name from JSON-compatible values
 * (compile with {@code -parameters}, or annotate them with {@link Param}); a varargs parameter takes the remaining
 * positional arguments and a trailing {@code Map<String, Object>} the remaining keyword arguments.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Action {

    /** {@return the action's name; empty means the method's name} */
    String name() default "";

    /** {@return further names under which the same method is called} */
    String[] aliases() default {};
}
