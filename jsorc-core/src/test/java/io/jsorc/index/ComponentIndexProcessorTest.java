package io.jsorc.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The processor as javac runs it: records, rule breakers, and incremental builds that remove an annotation. */
class ComponentIndexProcessorTest {

    @TempDir
    Path dir;

    private String compile(String... files) throws Exception {
        String[] result = compileWith(List.of(), files);
        assertThat(result[0]).as(result[1]).isEqualTo("0");
        return result[1];
    }

    /** Runs javac with extra options; answers its status and diagnostics. */
    private String[] compileWith(List<String> options, String... files) throws Exception {
        Path out = dir.resolve("classes");
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        String[] args = new String[files.length + 6 + options.size()];
        args[0] = "-processor";
        args[1] = ComponentIndexProcessor.class.getName();
        args[2] = "-d";
        args[3] = out.toString();
        args[4] = "-cp";
        args[5] = System.getProperty("java.class.path") + java.io.File.pathSeparator + out;
        for (int i = 0; i < options.size(); i++) {
            args[6 + i] = options.get(i);
        }
        for (int i = 0; i < files.length; i++) {
            args[6 + options.size() + i] = dir.resolve("src").resolve(files[i]).toString();
        }
        int status = javac.run(null, diagnostics, diagnostics, args);
        return new String[]{String.valueOf(status), diagnostics.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void twoClassesWinningOneNameWithTheSamePriorityAreReportedNamingBoth() throws Exception {
        source("d/One.java", "package d; @io.jsorc.Service(name = \"dup\") public class One extends io.jsorc.CommonService"
                + "<String> { protected String run() { return \"\"; } }");
        source("d/Two.java", "package d; @io.jsorc.Service(name = \"dup\") public class Two extends io.jsorc.CommonService"
                + "<String> { protected String run() { return \"\"; } }");
        source("d/Low.java", "package d; @io.jsorc.Repository(name = \"r\", priority = 1) public class Low { }");
        source("d/LowToo.java", "package d; @io.jsorc.Repository(name = \"r\", priority = 1) public class LowToo { }");
        source("d/High.java", "package d; @io.jsorc.Repository(name = \"r\", priority = 2) public class High { }");
        String warning = compile("d/One.java", "d/Two.java", "d/Low.java", "d/LowToo.java", "d/High.java");
        assertThat(warning).contains("warning").contains("service 'dup' is won by d.One and d.Two with the same "
                + "priority 0").doesNotContain("repository 'r'");
        String[] strict = compileWith(List.of("-Ajsorc.strict=true"), "d/One.java", "d/Two.java");
        assertThat(strict[0]).as("javac status with -Ajsorc.strict=true").isNotEqualTo("0");
        assertThat(strict[1]).contains("error").contains("d.One and d.Two");
    }

    private void source(String file, String text) throws Exception {
        Path path = dir.resolve("src").resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }

    private List<String> index() throws Exception {
        return Files.readAllLines(dir.resolve("classes").resolve(ComponentIndex.RESOURCE)).stream()
                .filter(l -> !l.startsWith("#")).toList();
    }

    @Test
    void indexesRecordsAndAnnotationValuesAndFlagsRuleBreakers() throws Exception {
        source("p/Rec.java", "package p; @io.jsorc.Context(name = \"rec\", priority = 2) public record Rec(String a) { }");
        source("p/Svc.java", "package p; @io.jsorc.Service(name = \"svc\", config = \"K\", manifest = \"M\", proxy = true)"
                + " public class Svc extends io.jsorc.CommonService<String> { protected String run() { return \"\"; } }");
        source("p/Bad.java", "package p; @io.jsorc.Repository(name = \"bad\") public class Bad { public Bad(int x) { } }");
        String diagnostics = compile("p/Rec.java", "p/Svc.java", "p/Bad.java");
        assertThat(diagnostics).contains("p.Bad needs a public no-arg constructor");
        assertThat(index()).containsExactlyInAnyOrder(
                "class=p.Bad\tkind=repository\tname=bad\tpriority=0\tinvalid=needs a public no-arg constructor",
                "class=p.Rec\tkind=context\tname=rec\tpriority=2",
                "class=p.Svc\tkind=service\tname=svc\tpriority=0\tconfig=K\tmanifest=M\tproxy=true");
    }

    @Test
    void anIncrementalBuildDropsAnAnnotationThatWasRemoved() throws Exception {
        source("q/A.java", "package q; @io.jsorc.Context(name = \"a\") public class A { }");
        source("q/B.java", "package q; @io.jsorc.Context(name = \"b\") public class B { }");
        compile("q/A.java", "q/B.java");
        assertThat(index()).hasSize(2);
        // Only B is recompiled, without its annotation: A stays, B goes.
        source("q/B.java", "package q; public class B { }");
        compile("q/B.java");
        assertThat(index()).containsExactly("class=q.A\tkind=context\tname=a\tpriority=0");
    }
}
