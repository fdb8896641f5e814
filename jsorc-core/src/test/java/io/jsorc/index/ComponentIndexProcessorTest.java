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
        Path out = dir.resolve("classes");
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        String[] args = new String[files.length + 6];
        args[0] = "-processor";
        args[1] = ComponentIndexProcessor.class.getName();
        args[2] = "-d";
        args[3] = out.toString();
        args[4] = "-cp";
        args[5] = System.getProperty("java.class.path") + java.io.File.pathSeparator + out;
        for (int i = 0; i < files.length; i++) {
            args[6 + i] = dir.resolve("src").resolve(files[i]).toString();
        }
        int status = javac.run(null, diagnostics, diagnostics, args);
        assertThat(status).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();
        return diagnostics.toString(StandardCharsets.UTF_8);
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
