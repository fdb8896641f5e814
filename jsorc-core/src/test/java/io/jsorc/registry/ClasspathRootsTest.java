package io.jsorc.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

/** Which classpath roots exist and which of them a whole-classpath registry must still scan. */
class ClasspathRootsTest {

    @Test
    void aJarThatAManifestClassPathBringsIsARootToScan(@TempDir Path dir) throws Exception {
        Path classes = compile(dir, "brought.Brought", "@io.jsorc.Context(name = \"brought\") public class Brought { }");
        Path inner = jar(dir.resolve("lib/inner.jar"), classes, null);
        Path outer = jar(dir.resolve("outer.jar"), null, "lib/inner.jar");
        try (URLClassLoader loader = new URLClassLoader(new URL[]{outer.toUri().toURL()}, getClass().getClassLoader())) {
            List<String> roots = ClasspathRoots.of(loader);

            assertThat(roots).contains(outer.toAbsolutePath().normalize().toString(),
                    inner.toAbsolutePath().normalize().toString());
            assertThat(ClasspathRoots.mayHoldComponents(roots, Set.of(), loader))
                    .contains(inner.toAbsolutePath().normalize().toString())
                    .doesNotContain(outer.toAbsolutePath().normalize().toString()); // no class file in it
        }
    }

    @Test
    void aJarOfLibraryPackagesOnlyIsNotScannedButOneWithAnotherClassIs(@TempDir Path dir) throws Exception {
        // com.fasterxml.jackson is a library package jsorc-core lists (META-INF/jsorc/library-packages).
        Path library = jar(dir.resolve("library.jar"),
                compile(dir.resolve("a"), "com.fasterxml.jackson.fake.Thing", "public class Thing { }"), null);
        compile(dir.resolve("b"), "com.fasterxml.jackson.fake.Other", "public class Other { }");
        Path extra = jar(dir.resolve("extra.jar"), compile(dir.resolve("b"), "app.Own", "public class Own { }"), null);
        try (URLClassLoader loader = new URLClassLoader(new URL[]{library.toUri().toURL(), extra.toUri().toURL()},
                getClass().getClassLoader())) {
            List<String> candidates = ClasspathRoots.mayHoldComponents(ClasspathRoots.of(loader), Set.of(), loader);

            assertThat(candidates).contains(extra.toAbsolutePath().normalize().toString())
                    .doesNotContain(library.toAbsolutePath().normalize().toString());
        }
    }

    private static Path compile(Path dir, String className, String body) throws IOException {
        int dot = className.lastIndexOf('.');
        Path source = dir.resolve("src").resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "package " + className.substring(0, dot) + ";\n" + body + "\n");
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-proc:none", "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), source.toString());
        assertThat(status).as("compiling " + className).isZero();
        return classes;
    }

    /** A jar of {@code classes} (may be null), with a manifest naming {@code classPath} (may be null). */
    private static Path jar(Path file, Path classes, String classPath) throws IOException {
        Files.createDirectories(file.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            if (classes != null) {
                try (var files = Files.walk(classes)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                        jar.write(Files.readAllBytes(f));
                    }
                }
            }
        }
        return file;
    }
}
