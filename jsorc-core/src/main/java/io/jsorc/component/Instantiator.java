package io.jsorc.component;

import io.jsorc.JsOrcException;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Creates component instances through the one public constructor whose parameters accept the given arguments. */
public final class Instantiator {

    private Instantiator() {
    }

    /** Public constructors per class, looked up once ({@code getConstructors()} copies its array on every call). */
    private static final ClassValue<Constructor<?>[]> CONSTRUCTORS = new ClassValue<>() {
        @Override
        protected Constructor<?>[] computeValue(Class<?> type) {
            Constructor<?>[] constructors = type.getConstructors();
            if (!Modifier.isPublic(type.getModifiers())) {
                for (Constructor<?> constructor : constructors) {
                    constructor.setAccessible(true);
                }
            }
            return constructors;
        }
    };

    /**
     * Creates an instance of {@code type} through its one public constructor that accepts {@code args}.
     *
     * @param what names the component for messages (built only when something fails)
     * @param type the class
     * @param args constructor arguments
     * @return the new instance
     */
    public static Object create(Supplier<String> what, Class<?> type, Object... args) {
        return create(what, type, null, args);
    }

    /**
     * Creates an instance; with no arguments given, a class whose only public constructor has parameters that all
     * carry {@code @Svc}, {@code @Src} or {@code @Ctx} gets them resolved from {@code context}.
     *
     * @param what    names the component for messages (built only when something fails)
     * @param type    the class
     * @param context where injected constructor parameters come from, or {@code null} for none
     * @param args    constructor arguments
     * @return the new instance
     */
    public static Object create(Supplier<String> what, Class<?> type, io.jsorc.ComponentContext context,
                                Object... args) {
        boolean injected = false;
        if (context != null && args.length == 0) {
            Object[] resolved = injectedArguments(what, type, context);
            if (resolved != null) {
                args = resolved;
                injected = true;
            }
        }
        Constructor<?> constructor = select(what, type, args);
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (injected) {
                closeNewArguments(constructor, args); // created for it: nobody else holds them (the caller's stay)
            }
            Throwable cause = e.getCause();
            throw new JsOrcException("Constructing " + what.get() + " (" + type.getName() + ") threw " + cause, cause);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (injected) {
                closeNewArguments(constructor, args);
            }
            throw new JsOrcException("Cannot construct " + what.get() + " (" + type.getName() + "): " + e, e);
        }
    }

    /** The resolved parameters of the one public constructor whose parameters are all injection points. */
    private static Object[] injectedArguments(Supplier<String> what, Class<?> type, io.jsorc.ComponentContext context) {
        Constructor<?>[] constructors = CONSTRUCTORS.get(type);
        if (constructors.length != 1 || constructors[0].getParameterCount() == 0) {
            return null;
        }
        java.lang.reflect.Parameter[] parameters = constructors[0].getParameters();
        for (java.lang.reflect.Parameter parameter : parameters) {
            if (!parameter.isAnnotationPresent(io.jsorc.inject.Svc.class)
                    && !parameter.isAnnotationPresent(io.jsorc.inject.Src.class)
                    && !parameter.isAnnotationPresent(io.jsorc.inject.Ctx.class)) {
                return null; // not every parameter is an injection point: the caller's arguments decide
            }
        }
        Object[] values = new Object[parameters.length];
        try {
            for (int i = 0; i < parameters.length; i++) {
                java.lang.reflect.Parameter parameter = parameters[i];
                values[i] = io.jsorc.inject.Injector.resolve(parameter.getType(),
                        parameter.getAnnotation(io.jsorc.inject.Svc.class),
                        parameter.getAnnotation(io.jsorc.inject.Src.class),
                        parameter.getAnnotation(io.jsorc.inject.Ctx.class), context,
                        "parameter " + i + " of the constructor of " + what.get());
            }
        } catch (RuntimeException | Error e) {
            closeNewArguments(constructors[0], values); // those created before the one that failed
            throw e;
        }
        return values;
    }

    /**
     * Closes the {@code @Src} and {@code @Ctx} arguments created for a constructor that will not hold them (it threw,
     * or a later argument failed): new instances nobody else holds. {@code @Svc} ones are shared singletons, left.
     */
    private static void closeNewArguments(Constructor<?> constructor, Object[] args) {
        java.lang.reflect.Parameter[] parameters = constructor.getParameters();
        for (int i = 0; i < parameters.length && i < args.length; i++) {
            boolean created = parameters[i].isAnnotationPresent(io.jsorc.inject.Src.class)
                    || parameters[i].isAnnotationPresent(io.jsorc.inject.Ctx.class);
            if (created && args[i] instanceof AutoCloseable closeable) {
                ContextScope.closeQuietly("parameter " + i + " of " + constructor, closeable);
            }
        }
    }

    private static Constructor<?> select(Supplier<String> what, Class<?> type, Object[] args) {
        Constructor<?> single = null;
        int fits = 0;
        for (Constructor<?> constructor : CONSTRUCTORS.get(type)) {
            if (accepts(constructor, args)) {
                single = constructor;
                fits++;
            }
        }
        if (fits == 1) {
            return single;
        }
        List<Constructor<?>> fitting = new ArrayList<>();
        for (Constructor<?> constructor : CONSTRUCTORS.get(type)) {
            if (accepts(constructor, args)) {
                fitting.add(constructor);
            }
        }
        String given = Arrays.stream(args).map(a -> a == null ? "null" : a.getClass().getSimpleName())
                .collect(Collectors.joining(", ", "(", ")"));
        if (fitting.isEmpty()) {
            throw new IllegalArgumentException("No public constructor of " + what.get() + " (" + type.getName()
                    + ") accepts arguments " + given + "; its public constructors: " + describe(type.getConstructors()));
        }
        throw new IllegalArgumentException("Arguments " + given + " fit several public constructors of " + what.get()
                + " (" + type.getName() + "): " + describe(fitting.toArray(Constructor<?>[]::new))
                + "; pass arguments that fit exactly one (a typed null is not possible: avoid null there)");
    }

    private static boolean accepts(Constructor<?> constructor, Object[] args) {
        if (constructor.getParameterCount() != args.length) {
            return false;
        }
        if (args.length == 0) {
            return true;
        }
        Class<?>[] parameters = constructor.getParameterTypes();
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
