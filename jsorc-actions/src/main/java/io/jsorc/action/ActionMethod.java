package io.jsorc.action;

import com.fasterxml.jackson.databind.JavaType;
import io.jsorc.base.Json;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One action: a method and how arguments bind to it, the way Python binds a call. Positional arguments fill the
 * parameters before the rest parameter in order; the rest parameter ({@link Rest} or Java varargs) takes the
 * remaining positional ones; keyword arguments bind by name (parameters after the rest parameter are keyword-only);
 * a trailing {@code Map<String, Object>} takes the remaining keyword arguments. Values are converted with Jackson.
 *
 * <p>The wire form (what a remote action server receives) is {@code {param: value, "*rest": [...],
 * "**keywords": {...}}}, with null-valued parameters omitted.
 */
public final class ActionMethod {

    /**
     * Binds arguments as the shared mapper does, except that a number with a fraction never becomes an integer: 2.5
     * for an {@code int} is the caller's mistake, not 2.
     */
    private static final com.fasterxml.jackson.databind.ObjectMapper BINDING = Json.mapper().copy()
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private final String name;
    private final Method method;
    private final List<String> names = new ArrayList<>();
    private final List<JavaType> types = new ArrayList<>();
    private final int restIndex;
    private final int keywordsIndex;
    /**
     * The boxed parameter classes, for the positional fast path: set only when every parameter is a plain one (no
     * rest, no keywords) and takes its value as it is, so a call whose arguments already fit needs no copy.
     */
    private final Class<?>[] plainTypes;
    /** Per parameter, read once: whether a value of its class needs no conversion ({@link #checkedByItsClass}). */
    private final boolean[] passedAsIs;

    /** A signature only (a remote action's, read from its spec): binds to the wire form, cannot be invoked. */
    private ActionMethod(String name, List<String> signature) {
        this.name = name;
        this.method = null;
        int rest = -1;
        int keywords = -1;
        for (int i = 0; i < signature.size(); i++) {
            String entry = signature.get(i);
            if (entry.startsWith("**")) {
                keywords = i;
                names.add(entry.substring(2));
            } else if (entry.startsWith("*")) {
                rest = i;
                names.add(entry.substring(1));
            } else {
                names.add(entry);
            }
            types.add(Json.mapper().getTypeFactory().constructType(Object.class));
        }
        this.restIndex = rest;
        this.keywordsIndex = keywords;
        this.plainTypes = null;
        this.passedAsIs = passedAsIs(types);
    }

    /**
     * Describes an action from its wire signature alone (a remote module's spec), with no method to invoke.
     *
     * @param name      the action's name
     * @param signature parameter names in order, the rest one prefixed {@code *}, the keywords one {@code **}
     * @return a binder for that signature (for remote actions)
     */
    public static ActionMethod ofSignature(String name, List<String> signature) {
        return new ActionMethod(name, signature);
    }

    /** {@return the parameter names in order, the rest one prefixed {@code *}, the keywords one {@code **}} */
    public List<String> signature() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            out.add((i == restIndex ? "*" : i == keywordsIndex ? "**" : "") + names.get(i));
        }
        return out;
    }

    ActionMethod(String name, Method method) {
        this.name = name;
        this.method = method;
        Parameter[] parameters = method.getParameters();
        int rest = -1;
        int keywords = -1;
        for (int i = 0; i < parameters.length; i++) {
            Parameter parameter = parameters[i];
            Param param = parameter.getAnnotation(Param.class);
            if (param == null && !parameter.isNamePresent()) {
                throw new IllegalArgumentException("Action " + method + " needs parameter names: compile with "
                        + "-parameters or annotate them with @Param");
            }
            names.add(param != null ? param.value() : parameter.getName());
            types.add(Json.mapper().getTypeFactory().constructType(parameter.getParameterizedType()));
            if (parameter.isAnnotationPresent(Rest.class) || (parameter.isVarArgs())) {
                rest = i;
            } else if (i == parameters.length - 1 && Map.class.isAssignableFrom(parameter.getType())) {
                keywords = i;
            }
        }
        this.restIndex = rest;
        this.keywordsIndex = keywords;
        this.passedAsIs = passedAsIs(types);
        boolean allAsIs = true;
        for (boolean asIs : passedAsIs) {
            allAsIs &= asIs;
        }
        Class<?>[] plain = null;
        if (rest < 0 && keywords < 0 && allAsIs) {
            plain = new Class<?>[parameters.length];
            for (int i = 0; i < parameters.length; i++) {
                plain[i] = boxed(parameters[i].getType());
            }
        }
        this.plainTypes = plain;
    }

    /** {@return the action's name (without the module prefix)} */
    public String name() {
        return name;
    }

    /** {@return the parameter names, in declaration order} */
    public List<String> parameters() {
        return List.copyOf(names);
    }

    /** {@return a description for the spec endpoint: params, rest and keywords parameter names} */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> plain = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (i != restIndex && i != keywordsIndex) {
                plain.add(names.get(i));
            }
        }
        out.put("params", plain);
        out.put("rest", restIndex < 0 ? null : names.get(restIndex));
        out.put("keywords", keywordsIndex < 0 ? null : names.get(keywordsIndex));
        out.put("signature", signature());
        return out;
    }

    /**
     * Binds a call to the wire form.
     *
     * @param arguments positional and keyword arguments
     * @return {@code {param: value, "*rest": [...], "**keywords": {...}}}, nulls omitted
     * @throws ActionException when the arguments do not fit (too many positionals, unknown or repeated keywords)
     */
    public Map<String, Object> toWire(Arguments arguments) {
        Object[] bound = bindRaw(arguments);
        Map<String, Object> wire = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            if (bound[i] == null) {
                continue;
            }
            String key = i == restIndex ? "*" + names.get(i) : i == keywordsIndex ? "**" + names.get(i) : names.get(i);
            wire.put(key, bound[i]);
        }
        return wire;
    }

    /**
     * Turns the wire form of a call back into arguments.
     *
     * @param wire the wire form
     * @return the arguments it stands for
     */
    @SuppressWarnings("unchecked")
    public Arguments fromWire(Map<String, Object> wire) {
        for (String key : wire.keySet()) {
            boolean known = key.startsWith("**") ? keywordsIndex >= 0 && key.equals("**" + names.get(keywordsIndex))
                    : key.startsWith("*") ? restIndex >= 0 && key.equals("*" + names.get(restIndex))
                    : names.contains(key) && names.indexOf(key) != restIndex && names.indexOf(key) != keywordsIndex;
            if (!known) {
                throw new ActionArgumentException("Action '" + name + "' has no parameter '" + key + "'; parameters: "
                        + describe());
            }
        }
        Object rest = restIndex >= 0 ? wire.get("*" + names.get(restIndex)) : null;
        if (rest != null && !(rest instanceof List<?>)) {
            throw new ActionArgumentException("Argument '*" + names.get(restIndex) + "' of action '" + name
                    + "' must be a JSON array (the remaining positional arguments), not a " + jsonType(rest));
        }
        Object moreKeywords = keywordsIndex >= 0 ? wire.get("**" + names.get(keywordsIndex)) : null;
        if (moreKeywords != null && !(moreKeywords instanceof Map<?, ?>)) {
            throw new ActionArgumentException("Argument '**" + names.get(keywordsIndex) + "' of action '" + name
                    + "' must be a JSON object (the remaining keyword arguments), not a " + jsonType(moreKeywords));
        }
        List<Object> positional = new ArrayList<>();
        Map<String, Object> keywords = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            if (i == restIndex || i == keywordsIndex) {
                continue;
            }
            String param = names.get(i);
            if (rest != null && i < restIndex) {
                positional.add(wire.get(param)); // the rest only lines up after every earlier parameter
            } else if (wire.containsKey(param)) {
                keywords.put(param, wire.get(param));
            }
        }
        if (rest instanceof List<?> list) {
            positional.addAll(list);
        }
        if (moreKeywords instanceof Map<?, ?> more) {
            keywords.putAll((Map<String, Object>) more);
        }
        return new Arguments(positional, keywords);
    }

    /** {@return a wire value's JSON type, for messages (never the value: an argument may be a secret)} */
    private static String jsonType(Object value) {
        return value instanceof Map<?, ?> ? "JSON object" : value instanceof List<?> ? "JSON array"
                : value instanceof String ? "JSON string" : value instanceof Boolean ? "JSON boolean"
                : value instanceof Number ? "JSON number" : value.getClass().getSimpleName();
    }

    /**
     * Calls the method.
     *
     * @param target    the module instance
     * @param arguments positional and keyword arguments
     * @return the method's result
     * @throws ActionException when the arguments do not bind or the method throws
     */
    public Object invoke(Object target, Arguments arguments) {
        if (method == null) {
            throw new IllegalStateException("Action '" + name + "' is a remote signature; it cannot be invoked here");
        }
        Object[] bound = bindRaw(arguments);
        Object[] values = new Object[bound.length];
        for (int i = 0; i < bound.length; i++) {
            JavaType type = types.get(i);
            Object raw = bound[i];
            if (raw == null) {
                if (type.isPrimitive()) {
                    throw new ActionArgumentException("Action '" + name + "' needs argument '" + names.get(i) + "'");
                }
                if (i == restIndex) {
                    raw = List.of();
                } else if (i == keywordsIndex) {
                    raw = Map.of();
                }
            }
            try {
                // Fast path: a value that already is what the parameter takes is passed as it is.
                values[i] = raw == null ? null : passedAsIs[i] && boxed(type.getRawClass()).isInstance(raw) ? raw
                        : BINDING.convertValue(raw, type);
            } catch (IllegalArgumentException e) {
                throw new ActionArgumentException("Argument '" + names.get(i) + "' of action '" + name + "' does not fit "
                        + type.getRawClass().getSimpleName() + ": " + e.getMessage(), e);
            }
        }
        return call(target, values);
    }

    /**
     * Calls the method with positional arguments only: when every argument is already of its parameter's type (the
     * common case) the caller's array goes to the method as it is, with nothing allocated; otherwise the general
     * binding of {@link #invoke(Object, Arguments)} runs. The array is never modified.
     *
     * @param target    the module instance
     * @param arguments positional arguments
     * @return the method's result
     * @throws ActionException when the arguments do not bind or the method throws
     */
    public Object invokePositional(Object target, Object[] arguments) {
        Class<?>[] plain = plainTypes;
        if (plain == null || arguments.length != plain.length) {
            return invoke(target, Arguments.of(arguments));
        }
        for (int i = 0; i < plain.length; i++) {
            if (!plain[i].isInstance(arguments[i])) { // null too: the general path names a missing primitive
                return invoke(target, Arguments.of(arguments));
            }
        }
        return call(target, arguments);
    }

    private Object call(Object target, Object[] values) {
        try {
            return method.invoke(target, values);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new ActionException("Action '" + name + "' threw " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new ActionException("Action '" + name + "' cannot be called: " + e, e);
        }
    }

    /**
     * Whether a value of the parameter's class is a value of the parameter's type: true unless the type names element
     * types an instance check cannot see ({@code List<Double>} given a list of Integers, {@code List<Point>} given
     * maps): those are always converted. {@code Object} and {@code String} elements need nothing.
     */
    private static boolean[] passedAsIs(List<JavaType> types) {
        boolean[] asIs = new boolean[types.size()];
        for (int i = 0; i < asIs.length; i++) {
            asIs[i] = checkedByItsClass(types.get(i));
        }
        return asIs;
    }

    private static boolean checkedByItsClass(JavaType type) {
        for (int i = 0; i < type.containedTypeCount(); i++) {
            Class<?> element = type.containedType(i).getRawClass();
            if (element != Object.class && element != String.class) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return type == int.class ? Integer.class : type == long.class ? Long.class : type == double.class ? Double.class
                : type == boolean.class ? Boolean.class : type == float.class ? Float.class : type == short.class
                ? Short.class : type == byte.class ? Byte.class : Character.class;
    }

    private Object[] bindRaw(Arguments arguments) {
        Object[] bound = new Object[names.size()];
        int setMask = 0; // which parameters got a value (actions have far fewer than 32 parameters)
        List<Object> rest = null;
        int slot = 0;
        for (Object value : arguments.positional()) {
            while (slot < names.size() && (slot == keywordsIndex || (restIndex >= 0 && slot > restIndex))) {
                slot++;
            }
            if (slot < names.size() && slot != restIndex && (restIndex < 0 || slot < restIndex)) {
                bound[slot] = value;
                setMask |= 1 << slot;
                slot++;
            } else if (restIndex >= 0) {
                if (rest == null) {
                    rest = new ArrayList<>();
                }
                rest.add(value);
            } else {
                throw new ActionArgumentException("Action '" + name + "' takes " + positionalCount()
                        + " positional arguments but " + arguments.positional().size() + " were given");
            }
        }
        if (rest != null) {
            bound[restIndex] = rest;
        }
        Map<String, Object> extra = null;
        for (Map.Entry<String, Object> keyword : arguments.keywords().entrySet()) {
            int index = names.indexOf(keyword.getKey());
            if (index >= 0 && index != restIndex && index != keywordsIndex) {
                if ((setMask & (1 << index)) != 0) {
                    throw new ActionArgumentException("Action '" + name + "' got multiple values for '" + keyword.getKey()
                            + "'");
                }
                bound[index] = keyword.getValue();
                setMask |= 1 << index;
            } else if (keywordsIndex >= 0) {
                if (extra == null) {
                    extra = new LinkedHashMap<>();
                }
                extra.put(keyword.getKey(), keyword.getValue());
            } else {
                throw new ActionArgumentException("Action '" + name + "' has no parameter '" + keyword.getKey()
                        + "'; parameters: " + names);
            }
        }
        if (extra != null) {
            bound[keywordsIndex] = extra;
        }
        return bound;
    }

    private int positionalCount() {
        int count = restIndex >= 0 ? restIndex : names.size();
        return keywordsIndex >= 0 && keywordsIndex < count ? count - 1 : count;
    }
}
