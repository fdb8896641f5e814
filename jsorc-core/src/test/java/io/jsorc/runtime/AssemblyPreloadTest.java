package io.jsorc.runtime;

import io.jsorc.base.ClassPreloader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** When an orchestrator's build preloads the start's classes: only once a start is known to come. */
class AssemblyPreloadTest {

    private static final String BUILD_CLASS = "java.util.zip.CRC32";
    private static final String START_CLASS = "java.util.zip.Adler32";

    @TempDir
    Path dir;

    /** The builder's settings, as {@code Orchestrator.Builder} hands them to the assembly. */
    private static final class Settings extends AssemblyBuilder<Settings> {
        AssemblySettings get() {
            return settings();
        }
    }

    /** Serves only this test's preload list, and records which classes it was asked to load. */
    private static final class RecordingLoader extends ClassLoader {
        final Set<String> asked = ConcurrentHashMap.newKeySet();
        private final URL list;

        RecordingLoader(URL list) {
            super(AssemblyPreloadTest.class.getClassLoader());
            this.list = list;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            asked.add(name);
            return super.loadClass(name, resolve);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return ClassPreloader.RESOURCE.equals(name) ? Collections.enumeration(List.of(list))
                    : super.getResources(name);
        }
    }

    private RecordingLoader loader() throws IOException {
        Path file = dir.resolve("preload");
        Files.writeString(file, "[*]\n" + BUILD_CLASS + "\n[start]\n" + START_CLASS + "\n");
        return new RecordingLoader(file.toUri().toURL());
    }

    private static AssemblySettings settings(ClassLoader loader) {
        return new Settings().classLoader(loader).scanPackages("io.jsorc.nothing.here").get();
    }

    @Test
    void aBuildToldThatAStartFollowsPreloadsTheStartsClassesBeforeTheStart() throws IOException {
        RecordingLoader loader = loader();
        Assembly assembly = new Assembly(settings(loader), true); // what Orchestrator.builder().start() builds
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> loader.asked.contains(START_CLASS));
            assertThat(assembly.phase()).isEqualTo("NEW");
        } finally {
            assembly.close();
        }
    }

    @Test
    void aPlainBuildLeavesTheStartsClassesToTheStart() throws IOException, InterruptedException {
        RecordingLoader loader = loader();
        Assembly assembly = new Assembly(settings(loader), false); // build(), no start known
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> loader.asked.contains(BUILD_CLASS));
            Thread.sleep(300); // time enough to go on with the start's part, were it not left to the start
            assertThat(loader.asked).doesNotContain(START_CLASS);
            assembly.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> loader.asked.contains(START_CLASS));
        } finally {
            assembly.close();
        }
    }
}
