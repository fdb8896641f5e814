package io.jsorc.action;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class as an action module: a set of functions ({@link Action} methods) a host calls by name, e.g.
 * {@code call("use_enc.encode", text)}, wherever the module runs (in this JVM or as a remote server).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ActionModule {

    /** {@return the module name, the prefix of its actions' names} */
    String value();
}
