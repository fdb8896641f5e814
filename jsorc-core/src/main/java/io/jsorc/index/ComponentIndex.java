package io.jsorc.index;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the compile-time component indexes ({@value #RESOURCE}) on a class path. Every jar or output folder
 * compiled with {@code jsorc-core} on its classpath carries one listing its annotated classes.
 */
public final class ComponentIndex {

    /** Where the index lives in a jar. */
    public static final String RESOURCE = "META-INF/jsorc/index";

    private ComponentIndex() {
    }

    /**
     * @param loader where to look
     * @return the class names listed by every index found, or empty when there is none
     */
    public static Set<String> read(ClassLoader loader) {
        Set<String> names = new LinkedHashSet<>();
        try {
            Enumeration<URL> indexes = loader.getResources(RESOURCE);
            List<URL> urls = Collections.list(indexes);
            for (URL url : urls) {
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
                    reader.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                            .forEach(names::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
        return names;
    }

    /**
     * @param names    class names
     * @param packages accepted packages (and their sub-packages); empty accepts all
     * @return the names in those packages, in order
     */
    public static List<String> inPackages(Set<String> names, List<String> packages) {
        if (packages.isEmpty()) {
            return new ArrayList<>(names);
        }
        List<String> accepted = new ArrayList<>();
        for (String name : names) {
            for (String pkg : packages) {
                if (name.startsWith(pkg + ".")) {
                    accepted.add(name);
                    break;
                }
            }
        }
        return accepted;
    }
}
