package io.jsorc.services.task;

import io.jsorc.ComponentContext;
import io.jsorc.base.Json;
import io.jsorc.Context;
import io.jsorc.Repository;
import io.jsorc.Service;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The task handlers of one orchestrator (they outlive task service refreshes): registered in code, and discovered
 * from {@link Task} methods of registered classes.
 */
final class TaskHandlers {

    private final Map<String, TaskHandler> handlers = new ConcurrentHashMap<>();
    private final ComponentContext orchestrator;
    private volatile boolean discovered;

    TaskHandlers(ComponentContext orchestrator) {
        this.orchestrator = orchestrator;
    }

    void register(String name, TaskHandler handler) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A task name is required");
        }
        handlers.put(name, handler);
    }

    TaskHandler get(String name) {
        discover();
        return handlers.get(name);
    }

    Set<String> names() {
        discover();
        return new TreeSet<>(handlers.keySet());
    }

    private void discover() {
        if (discovered) {
            return;
        }
        synchronized (this) {
            if (discovered) {
                return;
            }
            for (Class<? extends java.lang.annotation.Annotation> kind : List.of(Service.class, Repository.class,
                    Context.class)) {
                for (Map.Entry<String, Class<?>> component : orchestrator.components(kind).entrySet()) {
                    for (Method method : component.getValue().getMethods()) {
                        Task task = method.getAnnotation(Task.class);
                        if (task != null) {
                            handlers.putIfAbsent(task.value(), handlerFor(kind, component.getKey(), method));
                        }
                    }
                }
            }
            discovered = true;
        }
    }

    private TaskHandler handlerFor(Class<?> kind, String component, Method method) {
        boolean isStatic = Modifier.isStatic(method.getModifiers());
        return args -> {
            Object target = null;
            if (!isStatic) {
                target = kind == Service.class ? orchestrator.svc(component)
                        : kind == Repository.class ? orchestrator.src(component) : orchestrator.get(component);
            }
            try {
                return method.invoke(target, bind(method, args));
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception exception) {
                    throw exception;
                }
                throw (Error) cause;
            }
        };
    }

    private static Object[] bind(Method method, Map<String, Object> args) {
        Parameter[] parameters = method.getParameters();
        if (parameters.length == 1 && Map.class.isAssignableFrom(parameters[0].getType())) {
            return new Object[]{args};
        }
        Object[] values = new Object[parameters.length];
        for (int i = 0; i < parameters.length; i++) {
            Parameter parameter = parameters[i];
            if (!parameter.isNamePresent()) {
                throw new IllegalStateException("Task method " + method + " needs -parameters (or one Map parameter)");
            }
            Object raw = args.get(parameter.getName());
            try {
                values[i] = raw == null && parameter.getType().isPrimitive() ? null
                        : Json.mapper().convertValue(raw, parameter.getType());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Argument '" + parameter.getName() + "' of task method " + method
                        + " does not fit " + parameter.getType().getSimpleName() + ": " + e.getMessage(), e);
            }
            if (values[i] == null && parameter.getType().isPrimitive()) {
                throw new IllegalArgumentException("Task method " + method + " needs argument '"
                        + parameter.getName() + "'");
            }
        }
        return values;
    }
}
