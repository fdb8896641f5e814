package io.jsorc.base;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Map;

/**
 * Binds a map of plain values to a plain record without Jackson, where the result is certainly the one Jackson's
 * mapper gives: a record with no annotations anywhere, whose components are {@code String}, {@code Integer} /
 * {@code int}, {@code Long} / {@code long}, {@code Double} / {@code double} or {@code Boolean} / {@code boolean}, each
 * given a value of exactly its type (a {@code Long} also takes an {@code Integer}, a {@code double} also an
 * {@code Integer} or {@code Long}), null or left out (null; 0 or false for a primitive), other keys ignored.
 * Anything else — a coercion, a nested type, a constructor that throws — returns {@code null}, and the caller asks
 * the mapper.
 */
final class PlainRecords {

    private PlainRecords() {
    }

    static <T> T bind(Map<?, ?> values, Class<T> type) {
        if (!type.isRecord() || type.getAnnotations().length > 0) {
            return null;
        }
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] arguments = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            if (component.getAnnotations().length > 0 || component.getAccessor().getAnnotations().length > 0) {
                return null;
            }
            types[i] = component.getType();
            Object value = values.get(component.getName());
            Object argument = argument(types[i], value);
            if (argument == NO) {
                return null;
            }
            arguments[i] = argument;
        }
        try {
            Constructor<T> constructor = type.getDeclaredConstructor(types);
            for (java.lang.annotation.Annotation[] annotations : constructor.getParameterAnnotations()) {
                if (annotations.length > 0) {
                    return null;
                }
            }
            if (constructor.getAnnotations().length > 0) {
                return null;
            }
            for (java.lang.reflect.Field field : type.getDeclaredFields()) {
                if (field.getAnnotations().length > 0) {
                    return null;
                }
            }
            constructor.setAccessible(true);
            return constructor.newInstance(arguments);
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException
                 | InvocationTargetException | RuntimeException e) {
            return null; // the mapper reports it in its own words
        }
    }

    private static final Object NO = new Object();

    private static Object argument(Class<?> type, Object value) {
        if (value == null) {
            if (!type.isPrimitive()) {
                return isPlain(type) ? null : NO;
            }
            if (type == int.class) {
                return 0;
            } else if (type == long.class) {
                return 0L;
            } else if (type == double.class) {
                return 0.0;
            } else if (type == boolean.class) {
                return false;
            }
            return NO;
        }
        if (type == String.class) {
            return value instanceof String ? value : NO;
        } else if (type == Integer.class || type == int.class) {
            return value instanceof Integer ? value : NO;
        } else if (type == Long.class || type == long.class) {
            return value instanceof Integer || value instanceof Long ? ((Number) value).longValue() : NO;
        } else if (type == Double.class || type == double.class) {
            return value instanceof Double || value instanceof Integer || value instanceof Long
                    ? ((Number) value).doubleValue() : NO;
        } else if (type == Boolean.class || type == boolean.class) {
            return value instanceof Boolean ? value : NO;
        }
        return NO;
    }

    private static boolean isPlain(Class<?> type) {
        return type == String.class || type == Integer.class || type == Long.class || type == Double.class
                || type == Boolean.class;
    }
}
