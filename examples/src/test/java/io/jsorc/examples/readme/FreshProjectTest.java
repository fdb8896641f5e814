package io.jsorc.examples.readme;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A newcomer's project made from README.md alone: every block marked as a file of {@code examples/src/readme/consumer}
 * is written to {@code target/fresh-project-*}, and Maven builds and tests it twice, on the README's JUnit (5.11.4)
 * and on JUnit 6.1.3.
 *
 * <p>The JsOrc artifacts of this build reach the nested Maven through a private local repository,
 * {@code target/fresh-project-m2}: every entry of the build's own local repository is linked into it except
 * {@code io/jsorc}, which holds this checkout's jars and poms only. So the nested build resolves third-party artifacts
 * from the usual cache, sees no JsOrc snapshot installed earlier, and installs nothing into {@code ~/.m2}.
 */
class FreshProjectTest {

    private static final String CONSUMER = "examples/src/readme/consumer/";
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Pattern TESTS_RUN =
            Pattern.compile("Tests run: (\\d+), Failures: (\\d+), Errors: (\\d+), Skipped: (\\d+)\\s*$", Pattern.MULTILINE);

    @Test
    void readmeProjectPassesItsTestsOnJUnit5AndJUnit6() throws Exception {
        Path repo = privateRepository();
        String pom = null;
        List<Snippets.Block> files = new ArrayList<>();
        for (Snippets.Block block : Snippets.readmeBlocks()) {
            if (block.path() != null && block.path().startsWith(CONSUMER) && block.tag() == null) {
                files.add(block);
                if (block.path().endsWith("pom.xml")) {
                    pom = block.text();
                }
            }
        }
        assertThat(files).extracting(b -> b.path().substring(CONSUMER.length())).contains("pom.xml",
                "src/main/java/com/example/GreeterService.java",
                "src/main/resources/META-INF/jsorc/defaults/GREETER_CONFIG.json",
                "src/test/java/com/example/GreeterTest.java");
        assertThat(pom).contains("<version>5.11.4</version>");

        for (String junit : List.of("5.11.4", "6.1.3")) {
            Path project = TARGET.resolve("fresh-project-junit-" + junit);
            deleteTree(project);
            for (Snippets.Block block : files) {
                Path file = project.resolve(block.path().substring(CONSUMER.length()));
                Files.createDirectories(file.getParent());
                Files.writeString(file, block.path().endsWith("pom.xml")
                        ? block.text().replace("<version>5.11.4</version>", "<version>" + junit + "</version>")
                        : block.text());
            }
            assertThat(Files.readString(project.resolve("pom.xml"))).contains("<version>" + junit + "</version>");
            Files.createDirectories(project.resolve(".mvn")); // its own project root: not this repository's .mvn
            String output = maven(project, repo);
            Matcher m = TESTS_RUN.matcher(output);
            String last = null;
            while (m.find()) {
                last = m.group();
            }
            assertThat(output).as("JUnit %s run", junit).contains("BUILD SUCCESS");
            assertThat(last).as("JUnit %s run: surefire's summary", junit).isEqualTo(
                    "Tests run: 2, Failures: 0, Errors: 0, Skipped: 0");
        }
    }

    private static String maven(Path project, Path repo) throws Exception {
        String home = System.getProperty("maven.home", "");
        String mvn = home.isEmpty() ? "mvn" : home + File.separator + "bin" + File.separator + "mvn";
        Path log = project.resolve("build.log");
        Process process = new ProcessBuilder(mvn, "-B", "-ntp", "-Dmaven.repo.local=" + repo, "test")
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = process.waitFor(150, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(output.lines().filter(l -> l.contains("Tests run") || l.contains("BUILD") || l.contains("ERROR"))
                .reduce(project.getFileName() + ":\n", (a, b) -> a + b + "\n"));
        assertThat(ended).as("the nested Maven build ended within 150 s").isTrue();
        return output;
    }

    /** The private local repository: links to the build's local repository, this checkout's JsOrc artifacts. */
    private static Path privateRepository() throws IOException {
        Path shared = Path.of(System.getProperty("jsorc.test.localRepository",
                System.getProperty("user.home") + "/.m2/repository"));
        String version = System.getProperty("jsorc.version", "0.1.0-SNAPSHOT");
        Path repo = TARGET.resolve("fresh-project-m2");
        deleteTree(repo);
        Files.createDirectories(repo.resolve("io"));
        link(shared, repo, "io");
        link(shared.resolve("io"), repo.resolve("io"), "jsorc");
        Path jsorc = repo.resolve("io/jsorc");
        artifact(jsorc, "jsorc-parent", version, Snippets.ROOT.resolve("pom.xml"), null);
        artifact(jsorc, "jsorc-bom", version, Snippets.ROOT.resolve("jsorc-bom/pom.xml"), null);
        for (String module : List.of("jsorc-core", "jsorc-test")) {
            artifact(jsorc, module, version, Snippets.ROOT.resolve(module + "/pom.xml"), buildOutput(module));
        }
        return repo;
    }

    private static void link(Path from, Path to, String except) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
            for (Path entry : entries) {
                if (!entry.getFileName().toString().equals(except)) {
                    Files.createSymbolicLink(to.resolve(entry.getFileName().toString()), entry);
                }
            }
        }
    }

    private static void artifact(Path group, String id, String version, Path pom, Path output) throws IOException {
        Path dir = group.resolve(id).resolve(version);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(id + "-" + version + ".pom"));
        if (output == null) {
            return;
        }
        Path jar = dir.resolve(id + "-" + version + ".jar");
        if (Files.isRegularFile(output)) {
            Files.copy(output, jar);
            return;
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
             Stream<Path> files = Files.walk(output)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new ZipEntry(output.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, zip);
                zip.closeEntry();
            }
        }
    }

    /** {@return the module's jar, or its classes directory when the build has not packaged it (mvn test)} */
    private static Path buildOutput(String module) {
        String marker = File.separator + module + File.separator + "target" + File.separator;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains(marker)) {
                return Path.of(entry);
            }
        }
        throw new AssertionError(module + " is not on the test class path");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) { // walk does not follow links: the shared repository is safe
            for (Path p : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }
}
