package io.jsorc;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Creates component instances: the public constructor whose parameters accept the given arguments. */
final class Instantiator {

    private Instantiator() {
    }

    static Object create(String what, Class<?> type, Object... args) {
        Constructor<?> constructor = select(what, type, args);
        try {
            if (!Modifier.isPublic(type.getModifiers())) {
                constructor.setAccessible(true);
            }
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new JsOrcException("Constructing " + what + " (" + type.getName() + ") threw " + cause, cause);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new JsOrcException("Cannot construct " + what + " (" + type.getName() + "): " + e, e);
        }
    }

    private static Constructor<?> select(String what, Class<?> type, Object[] args) {
        List<Constructor<?>> fitting = new ArrayList<>();
        for (Constructor<?> constructor : type.getConstructors()) {
            if (accepts(constructor.getParameterTypes(), args)) {
                fitting.add(constructor);
            }
        }
        if (fitting.size() == 1) {
            return fitting.get(0);
        }
        String given = Arrays.stream(args).map(a -> a == null ? "null" : a.getClass().getSimpleName())
                .collect(Collectors.joining(", ", "(", ")"));
        if (fitting.isEmpty()) {
            throw new IllegalArgumentException("No public constructor of " + what + " (" + type.getName()
                    + ") accepts arguments " + given + "; its public constructors: " + describe(type.getConstructors()));
        }
        throw new IllegalArgumentException("Arguments " + given + " fit several public constructors of " + what
                + " (" + type.getName() + "): " + describe(fitting.toArray(Constructor<?>[]::new))
                + "; pass arguments that fit exactly one (a typed null is not possible: avoid null there)");
    }

    private static boolean accepts(Class<?>[] parameters, Object[] args) {
        if (parameters.length != args.length) {
            return false;
        }
        for (int i = 0; i < parameters.length; i++) {
            Class<?> parameter = parameters[i];
            Object arg = args[i];
            if (arg == null) {
                if (parameter.isPrimitive()) {
                    return false;
                }
            } else if (!box(parameter).isInstance(arg)) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> box(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        if (type == int.class) {
            return Integer.class;
        }
        if (type == long.class) {
            return Long.class;
        }
        if (type == boolean.class) {
            return Boolean.class;
        }
        if (type == double.class) {
            return Double.class;
        }
        if (type == float.class) {
            return Float.class;
        }
        if (type == short.class) {
            return Short.class;
        }
        if (type == byte.class) {
            return Byte.class;
        }
        return Character.class;
    }

    private static String describe(Constructor<?>[] constructors) {
        return Arrays.stream(constructors)
                .map(c -> c.getDeclaringClass().getSimpleName() + Arrays.stream(c.getParameterTypes())
                        .map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")")))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
