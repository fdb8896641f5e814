import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Build-time generator (run by Maven with Java's single-file launcher): N classes per package that are at once a
 * JsOrc {@code @Context}, a Spring {@code @Component}, and bound by a Guice module, so all three containers start from
 * the same classes. JsOrc names carry the size ({@code g50c0}, {@code g500c0}), so a registry of the whole benchmark
 * jar (the real app of {@code RealAppStartupBenchmark}) holds both sets without a tie.
 */
public class GenerateComponents {
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        for (int size : new int[]{50, 500}) {
            String pkg = "io.jsorc.bench.gen" + size;
            Path dir = out.resolve(pkg.replace('.', '/'));
            Files.createDirectories(dir);
            StringBuilder module = new StringBuilder("package " + pkg + ";\n\n"
                    + "/** Binds the " + size + " generated classes. */\n"
                    + "public final class GuiceModule extends com.google.inject.AbstractModule {\n"
                    + "    @Override\n    protected void configure() {\n");
            for (int i = 0; i < size; i++) {
                String source = "package " + pkg + ";\n\n"
                        + "/** Generated component " + i + ". */\n"
                        + "@io.jsorc.Context(name = \"g" + size + "c" + i + "\")\n"
                        + "@org.springframework.stereotype.Component(\"c" + i + "\")\n"
                        + "@org.springframework.context.annotation.Lazy\n"
                        + "public class C" + i + " {\n}\n";
                write(dir.resolve("C" + i + ".java"), source);
                module.append("        bind(C").append(i).append(".class);\n");
            }
            module.append("    }\n}\n");
            write(dir.resolve("GuiceModule.java"), module.toString());
        }
    }

    private static void write(Path file, String content) throws IOException {
        if (Files.exists(file) && Files.readString(file).equals(content)) {
            return; // unchanged: keep the timestamp, so incremental builds stay incremental
        }
        Files.writeString(file, content);
    }
}
