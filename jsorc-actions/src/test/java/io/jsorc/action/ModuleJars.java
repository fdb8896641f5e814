package io.jsorc.action;

import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Builds small action module jars for tests, compiled at test time so that they are on no class path. */
final class ModuleJars {

    private ModuleJars() {
    }

    /** {@return {@code dir/greeter.jar} holding {@code plug.Greeter}, an action module with {@code hello(who)}} */
    static Path greeter(Path dir) throws IOException {
        Path source = dir.resolve("src/plug/Greeter.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "package plug;\n"
                + "@io.jsorc.action.ActionModule(\"greeter\") public class Greeter {\n"
                + "  @io.jsorc.action.Action public String hello(String who) { return \"hello \" + who; }\n}\n");
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        int exit = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-proc:none", "-parameters", "-d",
                classes.toString(), "-cp", System.getProperty("java.class.path"), source.toString());
        if (exit != 0) {
            throw new IllegalStateException("javac failed with " + exit);
        }
        Path jar = dir.resolve("greeter.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("plug/Greeter.class"));
            out.write(Files.readAllBytes(classes.resolve("plug/Greeter.class")));
            out.closeEntry();
        }
        return jar;
    }
}
