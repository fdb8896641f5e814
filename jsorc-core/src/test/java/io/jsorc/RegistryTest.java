package io.jsorc;

import io.jsorc.config.MemoryHook;
import io.jsorc.fixtures.Fixtures;
import io.jsorc.fixtures.scanned.ScannedService;
import io.jsorc.registry.ComponentKind;
import io.jsorc.registry.Registry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryTest {

    @Test
    void higherPriorityWinsTheName() {
        try (Orchestrator o = Fixtures.builder(Fixtures.RivalHook.class, Fixtures.BetterHook.class).build()) {
            assertThat(o.src("hook")).isExactlyInstanceOf(Fixtures.BetterHook.class);
            assertThat(o.hook()).isExactlyInstanceOf(Fixtures.BetterHook.class);
        }
    }

    @Test
    void builtInMemoryHookServesWhenNothingOverridesIt() {
        try (Orchestrator o = Fixtures.builder().build()) {
            assertThat(o.hook()).isExactlyInstanceOf(MemoryHook.class);
        }
    }

    @Test
    void samePriorityIsAnErrorNamingBothClasses() {
        assertThatThrownBy(() -> Registry.builder().builtins(false)
                .register(TiedA.class, TiedB.class).build())
                .isInstanceOf(AmbiguousRegistrationException.class)
                .hasMessageContaining(TiedA.class.getName())
                .hasMessageContaining(TiedB.class.getName())
                .hasMessageContaining("priority 3")
                .hasMessageContaining("repository 'tied'");
    }

    @Repository(name = "tied", priority = 3)
    public static class TiedA { }

    @Repository(name = "tied", priority = 3)
    public static class TiedB { }

    @Service(name = "abstract")
    public abstract static class AbstractService extends CommonService<String> { }

    @Service(name = "notcommon")
    public static class NotCommon { }

    @Repository(name = "noctor")
    public static class NoNoArg {
        public NoNoArg(String x) { }
    }

    @Test
    void validationNamesEveryOffendingClass() {
        assertThatThrownBy(() -> Registry.builder().builtins(false)
                .register(AbstractService.class, NotCommon.class, NoNoArg.class).build())
                .isInstanceOf(InvalidComponentException.class)
                .hasMessageContaining(AbstractService.class.getName() + " must be a concrete class")
                .hasMessageContaining(NotCommon.class.getName() + " must extend io.jsorc.CommonService")
                .hasMessageContaining(NoNoArg.class.getName() + " needs a public no-arg constructor");
    }

    @Test
    void registeringAnUnannotatedClassIsRefused() {
        assertThatThrownBy(() -> Registry.builder().register(String.class))
                .isInstanceOf(InvalidComponentException.class)
                .hasMessageContaining("java.lang.String carries none of @Service, @Repository, @Context");
    }

    @Test
    void configKeyDefaultsToUpperCasedNameAndManifestIsOptional() {
        Registry registry = Registry.builder().register(Fixtures.Simple.class, WithKeys.class).build();
        assertThat(registry.require(ComponentKind.SERVICE, "simple").configKey()).isEqualTo("SIMPLE_CONFIG");
        assertThat(registry.require(ComponentKind.SERVICE, "simple").manifest()).isEmpty();
        assertThat(registry.require(ComponentKind.SERVICE, "keyed").configKey()).isEqualTo("MY_KEY");
        assertThat(registry.require(ComponentKind.SERVICE, "keyed").manifest()).contains("MY_MANIFEST");
    }

    @Service(name = "keyed", config = "MY_KEY", manifest = "MY_MANIFEST")
    public static class WithKeys extends Fixtures.Recorder { }

    @Test
    void scanFindsAnnotatedClassesWithoutLoadingOthers() {
        System.clearProperty("jsorc.test.notAComponent.loaded");
        Registry registry = Registry.builder().scan("io.jsorc.fixtures.scanned").build();
        assertThat(registry.require(ComponentKind.SERVICE, "scanned").type()).isEqualTo(ScannedService.class);
        assertThat(registry.names(ComponentKind.REPOSITORY)).containsExactly("hook");
        assertThat(System.getProperty("jsorc.test.notAComponent.loaded")).isNull();
    }

    /** Child-first for the scanned package, and records every class it is asked for. */
    static final class RecordingLoader extends java.net.URLClassLoader {
        final java.util.Set<String> requested = java.util.concurrent.ConcurrentHashMap.newKeySet();

        RecordingLoader() {
            super(new java.net.URL[]{ScannedService.class.getProtectionDomain().getCodeSource().getLocation()},
                    RegistryTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            if (name.startsWith("io.jsorc.fixtures.scanned.")) {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    return loaded != null ? loaded : findClass(name);
                }
            }
            return super.loadClass(name, resolve);
        }
    }

    @Test
    void scanLoadsOnlyTheAnnotatedClasses() throws Exception {
        try (RecordingLoader loader = new RecordingLoader()) {
            Registry registry = Registry.builder().classLoader(loader).scan("io.jsorc.fixtures.scanned").build();
            Class<?> found = registry.require(ComponentKind.SERVICE, "scanned").type();
            assertThat(found.getClassLoader()).isSameAs(loader);
            assertThat(loader.requested).contains(ScannedService.class.getName())
                    .doesNotContain("io.jsorc.fixtures.scanned.NotAComponent");
        }
    }

    @Test
    void theCompileTimeIndexAndTheClasspathScanGiveTheSameRegistry() {
        assertThat(io.jsorc.index.ComponentIndex.read(getClass().getClassLoader()))
                .as("the test compilation wrote an index").anySatisfy(entry -> {
                    assertThat(entry.className()).isEqualTo(ScannedService.class.getName());
                    assertThat(entry.name()).isEqualTo("scanned");
                    assertThat(entry.kind()).isEqualTo("service");
                });
        assertThat(io.jsorc.index.ComponentIndex.read(getClass().getClassLoader()))
                .as("rule breakers are indexed with the reason").anySatisfy(entry -> {
                    assertThat(entry.className()).isEqualTo(NoNoArg.class.getName());
                    assertThat(entry.invalid()).isEqualTo("needs a public no-arg constructor");
                });
        for (String pkg : List.of("io.jsorc.fixtures", "io.jsorc.fixtures.scanned")) {
            Registry scanned = Registry.builder().scan(pkg).build();
            Registry indexed = Registry.builder().index(pkg).build();
            for (ComponentKind kind : ComponentKind.values()) {
                assertThat(indexed.all(kind)).as(kind + " in " + pkg).containsExactlyElementsOf(scanned.all(kind));
            }
        }
        // Built from the index, a registry has loaded no component class yet.
        try (RecordingLoader loader = new RecordingLoader()) {
            Registry lazy = Registry.builder().classLoader(loader).index("io.jsorc.fixtures.scanned").build();
            assertThat(lazy.require(ComponentKind.SERVICE, "scanned").className()).isEqualTo(ScannedService.class.getName());
            assertThat(loader.requested).doesNotContain(ScannedService.class.getName());
            assertThat(lazy.require(ComponentKind.SERVICE, "scanned").type().getClassLoader()).isSameAs(loader);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (Orchestrator fromIndex = Orchestrator.builder().scanPackages("io.jsorc.fixtures").build();
             Orchestrator fromScan = Orchestrator.builder().scanPackages("io.jsorc.fixtures").useIndex(false).build()) {
            assertThat(fromIndex.registry().toString()).isEqualTo(fromScan.registry().toString());
            assertThat(fromIndex.registry().names(ComponentKind.SERVICE)).contains("simple", "scanned", "flaky");
        }
    }

    @Test
    void aJarWithoutAnIndexIsStillScannedWhenOthersHaveOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path source = dir.resolve("src/mixed/plain/Plain.java");
        java.nio.file.Files.createDirectories(source.getParent());
        java.nio.file.Files.writeString(source, "package mixed.plain;\n"
                + "@io.jsorc.Context(name = \"unindexed\") public class Plain { }\n");
        java.nio.file.Path classes = dir.resolve("classes");
        java.nio.file.Files.createDirectories(classes);
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-proc:none", "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), source.toString());
        assertThat(status).as("compiling the index-less module").isZero();
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[]{classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Registry registry = Registry.builder().classLoader(loader)
                    .indexOrScan("io.jsorc.fixtures.scanned", "mixed").build();
            assertThat(registry.names(ComponentKind.CONTEXT)).contains("unindexed");
            assertThat(registry.names(ComponentKind.SERVICE)).contains("scanned");
        }
    }

    @Test
    void builderScanPackagesNarrowsTheScan() {
        try (Orchestrator o = Orchestrator.builder().scanPackages("io.jsorc.fixtures.scanned").build()) {
            assertThat(o.registry().names(ComponentKind.SERVICE)).containsExactly("scanned");
        }
        try (Orchestrator o = Orchestrator.builder().scanPackages("io.jsorc.nothing.here").build()) {
            assertThat(o.registry().names(ComponentKind.SERVICE)).isEmpty();
            assertThat(o.registry().names(ComponentKind.REPOSITORY)).containsExactly("hook"); // built-ins stay
        }
    }

    @Test
    void theFacadeBuildsAndStartsAGlobalOrchestratorOnFirstUse() {
        Orchestrator previous = JsOrc.install(null);
        try {
            assertThat(JsOrc.svc("scanned").isRunning()).isTrue(); // scanned per -Djsorc.scan.packages
            Orchestrator global = JsOrc.orchestrator();
            assertThat(global.isStarted()).isTrue();
            assertThat(JsOrc.orchestrator()).isSameAs(global);
            JsOrc.shutdown();
            assertThat(global.isClosed()).isTrue();
            assertThat(CloseTest.jsorcThreads()).isEmpty();
        } finally {
            JsOrc.shutdown();
            JsOrc.install(previous);
        }
    }

    @Test
    void scanFilterComesFromTheSystemPropertyWhenTheBuilderGivesNone() {
        // The surefire configuration sets jsorc.scan.packages=io.jsorc.fixtures.scanned.
        try (Orchestrator o = Orchestrator.builder().build()) {
            assertThat(o.registry().names(ComponentKind.SERVICE)).containsExactly("scanned");
            assertThat(o.svc("scanned").app()).isEqualTo("scanned");
        }
    }
}
