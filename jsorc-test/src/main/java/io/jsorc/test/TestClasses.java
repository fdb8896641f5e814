package io.jsorc.test;

import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.annotation.Annotation;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Finds the kit's annotations the way a {@code @Nested} test class expects: on the class itself, else on the classes
 * that enclose it (a nested class is an inner class, whose instance lives inside its enclosing class's instance), the
 * nearest first. Written here rather than taken from JUnit, whose search option for enclosing classes changed between
 * the 5.10 API the kit is compiled against and JUnit 6.
 */
final class TestClasses {

    private TestClasses() {
    }

    /**
     * {@return the annotation on the test class or, for a {@code @Nested} class, on the nearest enclosing class that
     * has it}
     *
     * @param testClass the test class
     * @param type      the annotation
     * @param <A>       its type
     */
    static <A extends Annotation> Optional<A> find(Class<?> testClass, Class<A> type) {
        for (Class<?> c = testClass; c != null; c = enclosing(c)) {
            Optional<A> found = AnnotationSupport.findAnnotation(c, type);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** {@return the test class and the classes enclosing it as {@code @Nested} classes, the outermost first} */
    static List<Class<?>> outermostFirst(Class<?> testClass) {
        List<Class<?>> classes = new ArrayList<>();
        for (Class<?> c = testClass; c != null; c = enclosing(c)) {
            classes.add(c);
        }
        Collections.reverse(classes);
        return classes;
    }

    /** {@return the class enclosing an inner (non-static member) class, else {@code null}} */
    private static Class<?> enclosing(Class<?> c) {
        return c.isMemberClass() && !Modifier.isStatic(c.getModifiers()) ? c.getEnclosingClass() : null;
    }
}
