package io.jsorc.services.task;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a task handler on a method of a registered class ({@code @Service}, {@code @Repository} or
 * {@code @Context}), or on a static method of one. The method receives either the whole argument map (one
 * {@code Map<String, Object>} parameter) or its parameters by name (compile with {@code -parameters}), converted with
 * Jackson. A service's method runs on the service singleton, a repository's on a new instance per task, a context's
 * on the persisting instance ({@code get}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Task {

    /** {@return the task name} */
    String value();
}
