package io.jsorc.registry;

import io.jsorc.index.ComponentIndex;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The classpath roots of a class loader, and which of them may hold components that no index describes: what a
 * whole-classpath registry must still scan. Lets the registry skip classgraph altogether when nothing is left.
 *
 * <p>A root may hold components unless it carries an index, does not exist, is a folder without a class file, or is a
 * jar whose every class lies in a package of a third-party library a JsOrc module brings (listed by each module in
 * {@value #LIBRARY_RESOURCE}; Jackson, jedis, Micrometer, ...): those cannot be compiled against JsOrc's annotations.
 * Any other jar without an index is scanned, as before.
 */
final class ClasspathRoots {

    /** Resource through which JsOrc modules list the packages of the third-party libraries they bring. */
    static final String LIBRARY_RESOURCE = "META-INF/jsorc/library-packages";

    private static final String APP_LOADER = "jdk.internal.loader.ClassLoaders$AppClassLoader";
    private static final String PLATFORM_LOADER = "jdk.internal.loader.ClassLoaders$PlatformClassLoader";

    private ClasspathRoots() {
    }

    /**
     * Lists every classpath root a class loader and its parents load from: the class path of the application class
     * loader, the URLs of {@link URLClassLoader}s, and the jars their manifests' {@code Class-Path} adds.
     *
     * @param loader the class loader
     * @return the roots as absolute, normalized paths, or {@code null} when some loader in the chain is of a kind
     *         whose roots cannot be listed (then the caller scans as before)
     */
    static List<String> of(ClassLoader loader) {
        Set<String> roots = new LinkedHashSet<>();
        for (ClassLoader current = loader; current != null; current = current.getParent()) {
            String type = current.getClass().getName();
            if (type.equals(PLATFORM_LOADER)) {
                break; // the JDK's modules: never scanned
            }
            if (type.equals(APP_LOADER)) {
                for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
                    if (!entry.isBlank()) {
                        add(roots, Path.of(entry));
                    }
                }
            } else if (current instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    if (!"file".equals(url.getProtocol())) {
                        return null;
                    }
                    try {
                        add(roots, Path.of(url.toURI()));
                    } catch (URISyntaxException | RuntimeException e) {
                        return null;
                    }
                }
            } else {
                return null;
            }
        }
        return addManifestJars(roots, loader) ? new ArrayList<>(roots) : null;
    }

    private static void add(Set<String> roots, Path path) {
        roots.add(ComponentIndex.normalize(path.toString()));
    }

    /**
     * Adds the jars a manifest's {@code Class-Path} brings (the JDK's loaders follow it): every jar a loader reads
     * shows its own manifest among {@code getResources("META-INF/MANIFEST.MF")}, so no jar is opened, nor its
     * manifest parsed, here; the loaders have opened them all by now (for slf4j's provider lookup, or this call).
     * A jar that a {@code Class-Path} brings without a manifest of its own is not seen: the jar tool and build tools
     * always write one.
     *
     * @return whether the manifests could be listed
     */
    private static boolean addManifestJars(Set<String> roots, ClassLoader loader) {
        try {
            Enumeration<URL> manifests = loader.getResources(JarFile.MANIFEST_NAME);
            while (manifests.hasMoreElements()) {
                URL url = manifests.nextElement();
                if (url.toString().startsWith("jar:file:")) {
                    String root = ComponentIndex.rootOf(url, JarFile.MANIFEST_NAME);
                    if (root == null) {
                        return false;
                    }
                    roots.add(root);
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Keeps the roots that carry no index and may hold components.
     *
     * @param roots        every root (absolute, normalized)
     * @param indexedRoots the roots that carry an index
     * @param loader       where the modules' library lists are read from
     * @return the roots to scan, in order
     */
    static List<String> mayHoldComponents(List<String> roots, Set<String> indexedRoots, ClassLoader loader) {
        List<String> unindexed = new ArrayList<>();
        List<String> libraries = null;
        for (String root : roots) {
            if (indexedRoots.contains(root)) {
                continue;
            }
            Path path = Path.of(root);
            if (Files.isDirectory(path)) {
                if (hasClassFile(path)) {
                    unindexed.add(root);
                }
            } else if (Files.isRegularFile(path)) {
                if (libraries == null) {
                    libraries = libraryPackages(loader);
                }
                if (!onlyLibraryClasses(root, libraries)) {
                    unindexed.add(root);
                }
            }
        }
        return unindexed;
    }

    private static boolean hasClassFile(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(file -> file.getFileName() != null && file.getFileName().toString().endsWith(".class")
                    && !file.getFileName().toString().equals("module-info.class"));
        } catch (IOException | UncheckedIOException e) {
            return true;
        }
    }

    /** Whether every class of a jar (or zip) lies in a library package; reads only the jar's directory. */
    private static boolean onlyLibraryClasses(String jar, List<String> libraries) {
        try (ZipFile zip = new ZipFile(jar)) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            String lastPackage = null;
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (!name.endsWith(".class") || name.endsWith("module-info.class")) {
                    continue;
                }
                if (name.startsWith("META-INF/versions/")) {
                    int slash = name.indexOf('/', "META-INF/versions/".length());
                    name = slash < 0 ? name : name.substring(slash + 1);
                }
                int end = name.lastIndexOf('/');
                String pkg = end < 0 ? "" : name.substring(0, end);
                if (pkg.equals(lastPackage)) {
                    continue;
                }
                if (!isLibrary(pkg, libraries)) {
                    return false;
                }
                lastPackage = pkg;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isLibrary(String pkg, List<String> libraries) {
        if (pkg.isEmpty()) {
            return false;
        }
        for (String library : libraries) {
            if (pkg.startsWith(library) && (pkg.length() == library.length() || pkg.charAt(library.length()) == '/')) {
                return true;
            }
        }
        return false;
    }

    /** The library packages every module lists, as path prefixes ({@code com/fasterxml/jackson}). */
    private static List<String> libraryPackages(ClassLoader loader) {
        Set<String> packages = new LinkedHashSet<>();
        try {
            Enumeration<URL> lists = loader.getResources(LIBRARY_RESOURCE);
            while (lists.hasMoreElements()) {
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(lists.nextElement().openStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        String pkg = line.strip();
                        if (!pkg.isEmpty() && !pkg.startsWith("#")) {
                            packages.add(pkg.replace('.', '/'));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + LIBRARY_RESOURCE, e);
        }
        return new ArrayList<>(packages);
    }
}
