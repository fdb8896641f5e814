package io.jsorc.registry;

import io.jsorc.CommonService;
import io.jsorc.Context;
import io.jsorc.InvalidComponentException;
import io.jsorc.Repository;
import io.jsorc.Service;
import io.jsorc.index.ComponentIndex;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a component class, or an entry of the compile-time index, into {@link Registration}s, and says what makes a
 * loaded class unfit to be built (a blank name, an abstract or inner class, a service that is no
 * {@link CommonService}, no usable constructor).
 */
final class Registrations {

    /** The component annotations, in the order a class is checked for them. */
    static final List<Class<? extends java.lang.annotation.Annotation>> ANNOTATIONS =
            List.of(Service.class, Repository.class, Context.class);

    private Registrations() {
    }

    /**
     * Reads a registration from a compile-time index entry, without loading its class.
     *
     * @param entry    the index entry
     * @param loader   loads the class when the registration is first used
     * @param problems where a broken entry is described
     * @return the registration, or {@code null} when the entry is broken
     */
    static Registration fromIndex(ComponentIndex.Entry entry, ClassLoader loader, List<String> problems) {
        ComponentKind kind = switch (entry.kind()) {
            case "service" -> ComponentKind.SERVICE;
            case "repository" -> ComponentKind.REPOSITORY;
            case "context" -> ComponentKind.CONTEXT;
            default -> null;
        };
        if (kind == null) {
            problems.add("Unknown kind '" + entry.kind() + "' for " + entry.className() + " in "
                    + ComponentIndex.RESOURCE);
            return null;
        }
        if (entry.invalid() != null) {
            problems.add("@" + annotationName(kind) + " class " + entry.className() + " " + entry.invalid());
            return null;
        }
        if (entry.name() == null || entry.name().isBlank()) {
            problems.add("@" + annotationName(kind) + " class " + entry.className() + " has a blank name");
            return null;
        }
        String configKey = null;
        String manifestKey = null;
        if (kind == ComponentKind.SERVICE) {
            configKey = entry.config().isEmpty() ? entry.name().toUpperCase(Locale.ROOT) + "_CONFIG" : entry.config();
            manifestKey = entry.manifest().isEmpty() ? null : entry.manifest();
        }
        String className = entry.className();
        return new Registration(kind, entry.name(), className, entry.priority(), configKey, manifestKey,
                entry.proxy(), () -> {
                    try {
                        return Class.forName(className, false, loader);
                    } catch (ClassNotFoundException | LinkageError e) {
                        throw new InvalidComponentException("Class " + className + " is listed in "
                                + ComponentIndex.RESOURCE + " but cannot be loaded (a stale index? rebuild, or run "
                                + "with -Djsorc.index=false to scan instead): " + e);
                    }
                });
    }

    /** {@return the component annotations a class carries} */
    static List<java.lang.annotation.Annotation> annotationsOf(Class<?> type) {
        List<java.lang.annotation.Annotation> found = new ArrayList<>();
        for (Class<? extends java.lang.annotation.Annotation> annotation : ANNOTATIONS) {
            java.lang.annotation.Annotation present = type.getAnnotation(annotation);
            if (present != null) {
                found.add(present);
            }
        }
        return found;
    }

    /**
     * Reads the registrations a class's annotations declare (a class may be more than one kind).
     *
     * @param type the annotated class
     * @return one registration per component annotation
     */
    static List<Registration> of(Class<?> type) {
        List<Registration> registrations = new ArrayList<>();
        Service service = type.getAnnotation(Service.class);
        if (service != null) {
            String configKey = service.config().isEmpty()
                    ? service.name().toUpperCase(Locale.ROOT) + "_CONFIG" : service.config();
            String manifestKey = service.manifest().isEmpty() ? null : service.manifest();
            registrations.add(new Registration(ComponentKind.SERVICE, service.name(), type, service.priority(),
                    configKey, manifestKey, service.proxy()));
        }
        Repository repository = type.getAnnotation(Repository.class);
        if (repository != null) {
            registrations.add(new Registration(ComponentKind.REPOSITORY, repository.name(), type,
                    repository.priority(), null, null, false));
        }
        Context context = type.getAnnotation(Context.class);
        if (context != null) {
            registrations.add(new Registration(ComponentKind.CONTEXT, context.name(), type, context.priority(),
                    null, null, false));
        }
        return registrations;
    }

    /** {@return what is wrong with a loaded component class, or {@code null} when it can be built} */
    static String validate(Registration registration) {
        Class<?> type = registration.type();
        String what = "@" + annotationName(registration.kind()) + " class " + type.getName();
        if (registration.name().isBlank()) {
            return what + " has a blank name";
        }
        int modifiers = type.getModifiers();
        if (type.isInterface() || Modifier.isAbstract(modifiers) || type.isEnum() || type.isAnnotation()) {
            return what + " must be a concrete class";
        }
        if (type.isMemberClass() && !Modifier.isStatic(modifiers)) {
            return what + " is an inner class; make it static";
        }
        if (registration.kind() == ComponentKind.SERVICE && !CommonService.class.isAssignableFrom(type)) {
            return what + " must extend " + CommonService.class.getName();
        }
        if (registration.kind() == ComponentKind.CONTEXT) {
            return type.getConstructors().length == 0 ? what + " has no public constructor" : null;
        }
        try {
            Constructor<?> constructor = type.getConstructor();
            return constructor == null ? what + " needs a public no-arg constructor" : null;
        } catch (NoSuchMethodException e) {
            return what + " needs a public no-arg constructor";
        }
    }

    static String annotationName(ComponentKind kind) {
        return switch (kind) {
            case SERVICE -> "Service";
            case REPOSITORY -> "Repository";
            case CONTEXT -> "Context";
        };
    }
}
