package io.jsorc.component;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * The components this thread is constructing right now, outermost first, so that a dependency cycle through
 * injection ({@code @Svc}, {@code @Src}, {@code @Ctx}) is reported with the whole chain instead of recursing until
 * the stack overflows.
 */
public final class ConstructionChain {

    private static final ThreadLocal<ArrayDeque<String>> CHAIN = ThreadLocal.withInitial(ArrayDeque::new);

    private ConstructionChain() {
    }

    /**
     * Runs a construction as a link of this thread's chain.
     *
     * @param component names the component, e.g. {@code service 'redis'}
     * @param body      constructs it
     * @param <T>       what it returns
     * @return what {@code body} returned
     * @throws IllegalStateException naming the chain when {@code component} is already being constructed here
     */
    public static <T> T within(String component, Supplier<T> body) {
        ArrayDeque<String> chain = CHAIN.get();
        if (chain.contains(component)) {
            throw new IllegalStateException("Dependency cycle: " + describe(component)
                    + "; break it with a lookup at use time instead of an injected field or constructor parameter");
        }
        chain.addLast(component);
        try {
            return body.get();
        } finally {
            chain.removeLast();
            if (chain.isEmpty()) {
                CHAIN.remove();
            }
        }
    }

    /**
     * Describes this thread's chain with one more link.
     *
     * @param next the component asked for now
     * @return e.g. {@code service 'a' -> context 'b' -> service 'a'}
     */
    public static String describe(String next) {
        StringBuilder out = new StringBuilder();
        for (String link : CHAIN.get()) {
            out.append(link).append(" -> ");
        }
        return out.append(next).toString();
    }
}
