package io.jsorc.action;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The actions of one {@link ActionModule} class, by name (aliases included). */
public final class ActionSpec {

    private final String module;
    private final Class<?> type;
    private final Map<String, ActionMethod> actions = new TreeMap<>();
    private final Map<String, String> aliasOf = new TreeMap<>();

    private ActionSpec(String module, Class<?> type) {
        this.module = module;
        this.type = type;
    }

    /**
     * Reads the actions of a module class.
     *
     * @param type a class annotated {@link ActionModule}
     * @return its actions
     * @throws IllegalArgumentException when it is not an action module, has no action, or two actions share a name
     */
    public static ActionSpec of(Class<?> type) {
        ActionModule annotation = type.getAnnotation(ActionModule.class);
        if (annotation == null) {
            throw new IllegalArgumentException(type.getName() + " is not annotated @ActionModule");
        }
        ActionSpec spec = new ActionSpec(annotation.value(), type);
        for (Method method : type.getMethods()) {
            Action action = method.getAnnotation(Action.class);
            if (action == null) {
                continue;
            }
            if (Modifier.isStatic(method.getModifiers())) {
                throw new IllegalArgumentException("Action " + method + " must not be static");
            }
            String name = action.name().isEmpty() ? method.getName() : action.name();
            spec.add(name, method, null);
            for (String alias : action.aliases()) {
                spec.add(alias, method, name);
            }
        }
        if (spec.actions.isEmpty()) {
            throw new IllegalArgumentException("Action module " + type.getName() + " has no public @Action method");
        }
        return spec;
    }

    private void add(String name, Method method, String original) {
        if (actions.containsKey(name)) {
            throw new IllegalArgumentException("Action module '" + module + "' declares action '" + name + "' twice");
        }
        actions.put(name, new ActionMethod(name, method));
        if (original != null) {
            aliasOf.put(name, original);
        }
    }

    /** {@return the module name} */
    public String module() {
        return module;
    }

    /** {@return the module class} */
    public Class<?> type() {
        return type;
    }

    /** {@return the action names, aliases included} */
    public Set<String> names() {
        return actions.keySet();
    }

    /**
     * Returns one action of the module.
     *
     * @param name an action name (without the module prefix)
     * @return the action, or {@code null}
     */
    public ActionMethod action(String name) {
        return actions.get(name);
    }

    /** {@return what the spec endpoint serves: module and, per action, parameters and alias target} */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("module", module);
        Map<String, Object> described = new LinkedHashMap<>();
        actions.forEach((name, method) -> {
            Map<String, Object> entry = new LinkedHashMap<>(method.describe());
            entry.put("alias_of", aliasOf.get(name));
            described.put(name, entry);
        });
        out.put("actions", described);
        return out;
    }
}
