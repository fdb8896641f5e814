package io.jsorc.inject;

import io.jsorc.ComponentContext;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Fills the fields of an object that carry {@link Svc}, {@link Src} or {@link Ctx}, walking up its class hierarchy.
 * Static fields are not touched.
 */
public final class Injector {

    private Injector() {
    }

    /**
     * Fills the {@code @Svc}, {@code @Src} and {@code @Ctx} fields of {@code target} (and of its superclasses).
     *
     * @param target       the object whose fields are filled
     * @param orchestrator where the components come from
     * @param <T>          the target's type
     * @return the target
     * @throws IllegalArgumentException when a field cannot hold what its annotation names
     */
    public static <T> T inject(T target, ComponentContext orchestrator) {
        for (Class<?> type = target.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                Object value = resolve(field.getType(), field.getAnnotation(Svc.class), field.getAnnotation(Src.class),
                        field.getAnnotation(Ctx.class), orchestrator, field.toString());
                if (value != null) {
                    set(target, field, value);
                }
            }
        }
        return target;
    }

    /**
     * Resolves one injection point.
     *
     * @param type         the declared type
     * @param svc          its {@link Svc}, or null
     * @param src          its {@link Src}, or null
     * @param ctx          its {@link Ctx}, or null
     * @param orchestrator where the components come from
     * @param where        the injection point, for messages
     * @return the value, or {@code null} when none of the annotations is present
     */
    public static Object resolve(Class<?> type, Svc svc, Src src, Ctx ctx, ComponentContext orchestrator, String where) {
        int count = (svc != null ? 1 : 0) + (src != null ? 1 : 0) + (ctx != null ? 1 : 0);
        if (count == 0) {
            return null;
        }
        if (count > 1) {
            throw new IllegalArgumentException(where + " carries more than one of @Svc, @Src, @Ctx");
        }
        try {
            if (svc != null) {
                return orchestrator.svc(svc.value(), type);
            }
            if (src != null) {
                return orchestrator.src(src.value(), type);
            }
            return orchestrator.ctx(ctx.value(), type);
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("Cannot inject into " + where + ": " + e.getMessage(), e);
        }
    }

    private static void set(Object target, Field field, Object value) {
        try {
            field.setAccessible(true);
            field.set(target, value);
        } catch (IllegalAccessException | RuntimeException e) {
            throw new IllegalArgumentException("Cannot inject into " + field + ": " + e, e);
        }
    }
}
