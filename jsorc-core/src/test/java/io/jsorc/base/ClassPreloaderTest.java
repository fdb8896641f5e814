package io.jsorc.base;

import org.junit.jupiter.api.AfterEach;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ClassPreloaderTest {

    @TempDir
    Path dir;

    @AfterEach
    void clearProperty() {
        System.clearProperty(ClassPreloader.PROPERTY);
    }

    /** Serves one preload list and records which classes it was asked to load; one class may wait for a latch. */
    private static final class RecordingLoader extends ClassLoader {
        final Set<String> asked = ConcurrentHashMap.newKeySet();
        private final URL list;
        private final String gated;
        private final CountDownLatch gate;

        RecordingLoader(URL list, String gated, CountDownLatch gate) {
            super(ClassPreloaderTest.class.getClassLoader());
            this.list = list;
            this.gated = gated;
            this.gate = gate;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.equals(gated)) {
                try {
                    gate.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            asked.add(name);
            return super.loadClass(name, resolve);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return ClassPreloader.RESOURCE.equals(name) ? Collections.enumeration(List.of(list))
                    : Collections.emptyEnumeration();
        }
    }

    private RecordingLoader loaderWith(String list) throws IOException {
        return loaderWith(list, null, null);
    }

    private RecordingLoader loaderWith(String list, String gated, CountDownLatch gate) throws IOException {
        Path file = dir.resolve("preload");
        Files.writeString(file, list);
        return new RecordingLoader(file.toUri().toURL(), gated, gate);
    }

    @Test
    void readsSectionsInOrderSkippingCommentsAndRepeats() throws IOException {
        RecordingLoader loader = loaderWith("""
                # a comment
                [*]
                java.util.zip.CRC32
                  java.util.zip.Adler32
                java.util.zip.CRC32

                [com.example.Hook]
                java.util.zip.CRC32C
                """);
        Map<String, List<String>> sections = ClassPreloader.read(loader);
        assertThat(sections).containsOnlyKeys("*", "com.example.Hook");
        assertThat(sections.get("*")).containsExactly("java.util.zip.CRC32", "java.util.zip.Adler32");
        assertThat(sections.get("com.example.Hook")).containsExactly("java.util.zip.CRC32C");
    }

    @Test
    void loadsTheBuildSectionThenOnceStartedTheStartSectionAndTheRegisteredComponentsSectionsThenEnds()
            throws IOException {
        RecordingLoader loader = loaderWith("""
                [*]
                java.util.zip.CRC32
                no.such.Clazz
                [start]
                java.util.zip.Inflater
                [com.example.Hook]
                java.util.zip.Adler32
                [com.example.Absent]
                java.util.zip.CRC32C
                """);
        ClassPreloader preloader = ClassPreloader.start(loader);
        preloader.components(List.of("com.example.Hook", "com.example.Other"));
        preloader.started();
        await().atMost(Duration.ofSeconds(10)).until(preloader::isDone);
        // A missing class is skipped, not fatal; an unregistered component's section is not loaded.
        assertThat(loader.asked).contains("java.util.zip.CRC32", "no.such.Clazz", "java.util.zip.Inflater",
                "java.util.zip.Adler32").doesNotContain("java.util.zip.CRC32C");
        preloader.close();
    }

    @Test
    void aBuildThatIsNotStartedLoadsOnlyTheBuildSectionAndLeavesNoThreadWaitingForAStart() throws IOException {
        RecordingLoader loader = loaderWith(
                "[*]\njava.util.zip.CRC32\n[start]\njava.util.zip.Inflater\n[com.example.Hook]\njava.util.zip.Adler32\n");
        ClassPreloader preloader = ClassPreloader.start(loader);
        preloader.components(List.of("com.example.Hook"));
        await().atMost(Duration.ofSeconds(10)).until(preloader::isDone);
        assertThat(loader.asked).contains("java.util.zip.CRC32")
                .doesNotContain("java.util.zip.Inflater", "java.util.zip.Adler32");
        // A start that comes later still gets the start's part, on a daemon of its own, which ends when done.
        preloader.started();
        await().atMost(Duration.ofSeconds(10)).until(() -> loader.asked.contains("java.util.zip.Adler32"));
        assertThat(loader.asked).contains("java.util.zip.Inflater");
        await().atMost(Duration.ofSeconds(10)).until(preloader::isDone);
        preloader.close();
    }

    @Test
    void aStartAnnouncedBeforeTheBuildEndsLoadsTheComponentsSectionsOnceHandedOver() throws Exception {
        CountDownLatch announced = new CountDownLatch(1);
        RecordingLoader loader = loaderWith("[*]\njava.util.zip.CRC32\n[com.example.Hook]\njava.util.zip.Adler32\n",
                "java.util.zip.CRC32", announced);
        ClassPreloader preloader = ClassPreloader.start(loader);
        // The build's part cannot end before this: its one class waits for the latch.
        preloader.started(); // Orchestrator.builder().start(): the start is known before the registry exists
        announced.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> loader.asked.contains("java.util.zip.CRC32"));
        Thread.sleep(100); // the registry takes a while; the start part waits for it
        preloader.components(List.of("com.example.Hook"));
        await().atMost(Duration.ofSeconds(10)).until(preloader::isDone);
        assertThat(loader.asked).contains("java.util.zip.Adler32");
        preloader.close();
    }

    @Test
    void aBuildThatFailsBeforeTheRegistryEndsTheWaitForComponentsAtOnce() throws IOException {
        RecordingLoader loader = loaderWith("[*]\njava.util.zip.CRC32\n[com.example.Hook]\njava.util.zip.Adler32\n");
        ClassPreloader preloader = ClassPreloader.start(loader);
        preloader.started(); // Orchestrator.builder().start(): the start part waits for the registry's components
        await().atMost(Duration.ofSeconds(10)).until(() -> loader.asked.contains("java.util.zip.CRC32"));
        // The registry failed and never called components(); RegistryLoading closes the preloader instead.
        long closing = System.nanoTime();
        preloader.close();
        double closeMs = (System.nanoTime() - closing) / 1e6;
        System.out.printf("close ended the wait for components in %.1f ms%n", closeMs);
        assertThat(preloader.isDone()).isTrue();
        assertThat(closeMs).as("close() waits for the daemon at most 2 s; the wait for components is 10 s")
                .isLessThan(2_000);
        assertThat(loader.asked).doesNotContain("java.util.zip.Adler32");
    }

    @Test
    void closeStopsTheDaemonAndWaitsForIt() throws IOException {
        RecordingLoader loader = loaderWith("[*]\njava.util.zip.CRC32\n");
        ClassPreloader preloader = ClassPreloader.start(loader);
        long started = System.nanoTime();
        preloader.close();
        System.out.printf("close took %.1f ms%n", (System.nanoTime() - started) / 1e6);
        assertThat(preloader.isDone()).isTrue();
        preloader.close(); // idempotent
    }

    @Test
    void theSystemPropertyTurnsItOff() throws IOException {
        System.setProperty(ClassPreloader.PROPERTY, "false");
        RecordingLoader loader = loaderWith("[*]\njava.util.zip.CRC32\n");
        ClassPreloader preloader = ClassPreloader.start(loader);
        preloader.components(List.of("x"));
        assertThat(preloader.isDone()).isTrue();
        assertThat(loader.asked).doesNotContain("java.util.zip.CRC32");
        preloader.close();
    }

    @Test
    void everyClassInJsorcCoresOwnListExists() {
        // A renamed class would silently stop being preloaded: keep the list in step with the code.
        Map<String, List<String>> sections = ClassPreloader.read(ClassPreloaderTest.class.getClassLoader());
        assertThat(sections).containsKeys(ClassPreloader.ALWAYS, ClassPreloader.START);
        List<String> listed = new java.util.ArrayList<>(sections.get(ClassPreloader.ALWAYS));
        listed.addAll(sections.get(ClassPreloader.START));
        List<String> missing = listed.stream().filter(name -> {
            try {
                Class.forName(name, false, ClassPreloaderTest.class.getClassLoader());
                return false;
            } catch (ClassNotFoundException | LinkageError e) {
                return true;
            }
        }).toList();
        assertThat(missing).as("classes listed in jsorc-core's " + ClassPreloader.RESOURCE + " that do not exist")
                .isEmpty();
    }
}
