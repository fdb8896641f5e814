package io.jsorc.index;

import io.github.classgraph.ClassGraph;
import io.github.classgraph.ScanResult;
import io.jsorc.config.MemoryHook;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** jsorc-core's own index is written by hand (its processor cannot run on its own module): keep it true. */
class CoreIndexTest {

    @Test
    void theHandWrittenIndexListsExactlyTheAnnotatedClassesOfJsorcCore() throws Exception {
        String root = ComponentIndex.normalize(new File(MemoryHook.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()).getPath());
        Set<String> annotated = new TreeSet<>();
        try (ScanResult scan = new ClassGraph().enableAnnotationInfo().enableClassInfo()
                .filterClasspathElements(element -> ComponentIndex.normalize(element).equals(root))
                .acceptPackages("io.jsorc").scan()) {
            for (String annotation : List.of("io.jsorc.Service", "io.jsorc.Repository", "io.jsorc.Context")) {
                scan.getClassesWithAnnotation(annotation).forEach(c -> annotated.add(c.getName()));
            }
        }
        Set<String> indexed = ComponentIndex.read(getClass().getClassLoader()).stream()
                .filter(e -> e.className().startsWith("io.jsorc.") && !e.className().contains("Test")
                        && !e.className().startsWith("io.jsorc.fixtures"))
                .map(ComponentIndex.Entry::className).collect(Collectors.toCollection(TreeSet::new));
        assertThat(indexed).isEqualTo(annotated).contains(MemoryHook.class.getName());
        ComponentIndex.Entry hook = ComponentIndex.read(getClass().getClassLoader()).stream()
                .filter(e -> e.className().equals(MemoryHook.class.getName())).findFirst().orElseThrow();
        io.jsorc.Repository annotation = MemoryHook.class.getAnnotation(io.jsorc.Repository.class);
        assertThat(hook.name()).isEqualTo(annotation.name());
        assertThat(hook.priority()).isEqualTo(annotation.priority());
        assertThat(hook.kind()).isEqualTo("repository");
    }
}
