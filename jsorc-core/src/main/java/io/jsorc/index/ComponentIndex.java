package io.jsorc.index;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Reads the compile-time component indexes ({@value #RESOURCE}) on a class path. Every jar or output folder
 * compiled with {@code jsorc-core} on its classpath carries one: per annotation of each annotated class, one line of
 * tab-separated {@code key=value} fields ({@code class}, {@code kind}, {@code name}, {@code priority}, and for
 * services {@code config}, {@code manifest}, {@code proxy}; {@code invalid} when the class breaks a rule).
 */
public final class ComponentIndex {

    /** Where the index lives in a jar. */
    public static final String RESOURCE = "META-INF/jsorc/index";

    /**
     * One annotation of one class.
     *
     * @param className binary class name
     * @param kind      {@code service}, {@code repository} or {@code context}
     * @param name      the annotation's name
     * @param priority  the annotation's priority
     * @param config    services: the annotation's {@code config} (may be empty)
     * @param manifest  services: the annotation's {@code manifest} (may be empty)
     * @param proxy     services: the annotation's {@code proxy}
     * @param invalid   the rule the class breaks, or {@code null}
     */
    public record Entry(String className, String kind, String name, int priority, String config, String manifest,
                        boolean proxy, String invalid) {

        /** {@return the line that stands for this entry in the index} */
        public String toLine() {
            StringBuilder line = new StringBuilder("class=" + className + "\tkind=" + kind + "\tname=" + escape(name)
                    + "\tpriority=" + priority);
            if (kind.equals("service")) {
                line.append("\tconfig=").append(escape(config)).append("\tmanifest=").append(escape(manifest))
                        .append("\tproxy=").append(proxy);
            }
            if (invalid != null) {
                line.append("\tinvalid=").append(escape(invalid));
            }
            return line.toString();
        }

        static Entry parse(String line) {
            // Plain indexOf scanning (no split, no map per line): an index of a thousand classes is read in a fresh JVM.
            String className = null;
            String kind = null;
            String name = null;
            String priority = null;
            String config = null;
            String manifest = null;
            String proxy = null;
            String invalid = null;
            int start = 0;
            int length = line.length();
            while (start <= length) {
                int end = line.indexOf('\t', start);
                if (end < 0) {
                    end = length;
                }
                int eq = line.indexOf('=', start);
                if (eq > start && eq < end) {
                    String key = line.substring(start, eq);
                    String value = unescape(line.substring(eq + 1, end));
                    switch (key) {
                        case "class" -> className = value;
                        case "kind" -> kind = value;
                        case "name" -> name = value;
                        case "priority" -> priority = value;
                        case "config" -> config = value;
                        case "manifest" -> manifest = value;
                        case "proxy" -> proxy = value;
                        case "invalid" -> invalid = value;
                        default -> { } // a field of a newer processor: ignored
                    }
                }
                start = end + 1;
            }
            return new Entry(className, kind, name, Integer.parseInt(priority == null ? "0" : priority),
                    config == null ? "" : config, manifest == null ? "" : manifest, Boolean.parseBoolean(proxy),
                    invalid);
        }

        private static String escape(String value) {
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
        }

        private static String unescape(String value) {
            if (value.indexOf('\\') < 0) {
                return value;
            }
            return value.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\");
        }
    }

    private ComponentIndex() {
    }

    /**
     * Reads every component index a class loader sees.
     *
     * @param loader where to look
     * @return the entries of every index found (empty when there is none)
     */
    public static List<Entry> read(ClassLoader loader) {
        List<Entry> entries = new ArrayList<>();
        try {
            List<URL> urls = Collections.list(loader.getResources(RESOURCE));
            for (URL url : urls) {
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        line = line.strip();
                        if (line.isEmpty() || line.startsWith("#")) {
                            continue;
                        }
                        Entry entry = Entry.parse(line);
                        if (entry.className() != null && entry.kind() != null) {
                            entries.add(entry);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
        return entries;
    }

    /**
     * Tells whether a class loader sees any component index.
     *
     * @param loader where to look
     * @return whether any index is present
     */
    public static boolean present(ClassLoader loader) {
        try {
            return loader.getResources(RESOURCE).hasMoreElements();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Lists the classpath roots of a class loader that carry a component index.
     *
     * @param loader where to look
     * @return the classpath roots (jar files or class folders, as absolute paths) that carry an index
     */
    public static java.util.Set<String> roots(ClassLoader loader) {
        java.util.Set<String> roots = new java.util.LinkedHashSet<>();
        try {
            for (URL url : Collections.list(loader.getResources(RESOURCE))) {
                String root = rootOf(url, RESOURCE);
                if (root != null) {
                    roots.add(root);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
        return roots;
    }

    /**
     * Returns the classpath root (jar file or class folder) a resource was found in.
     *
     * @param url  a resource URL ({@code file:} or {@code jar:file:})
     * @param path the resource's path inside its root
     * @return the root's absolute path, or {@code null} for other URL kinds
     */
    public static String rootOf(URL url, String path) {
        try {
            String spec = url.toString();
            if (spec.startsWith("jar:")) {
                String file = spec.substring(4, spec.indexOf("!/"));
                return normalize(java.nio.file.Path.of(new java.net.URI(file)).toString());
            }
            if (spec.startsWith("file:")) {
                java.nio.file.Path resource = java.nio.file.Path.of(url.toURI());
                java.nio.file.Path root = resource;
                for (String ignored : path.replaceAll("/+$", "").split("/")) {
                    root = root.getParent();
                }
                return root == null ? null : normalize(root.toString());
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /**
     * Makes a file path absolute and normalized.
     *
     * @param path a file path
     * @return its absolute, normalized form
     */
    public static String normalize(String path) {
        return java.nio.file.Path.of(path).toAbsolutePath().normalize().toString();
    }

    /**
     * Keeps the index entries whose class is in one of the given packages.
     *
     * @param entries  index entries
     * @param packages accepted packages (and their sub-packages); empty accepts all
     * @return the entries whose class is in those packages, in order
     */
    public static List<Entry> inPackages(List<Entry> entries, List<String> packages) {
        if (packages.isEmpty()) {
            return new ArrayList<>(entries);
        }
        List<Entry> accepted = new ArrayList<>();
        for (Entry entry : entries) {
            for (String pkg : packages) {
                if (entry.className().startsWith(pkg + ".")) {
                    accepted.add(entry);
                    break;
                }
            }
        }
        return accepted;
    }
}
