package io.jsorc;

import io.jsorc.config.MemoryHook;
import io.jsorc.fixtures.Fixtures;
import io.jsorc.fixtures.scanned.ScannedService;
import io.jsorc.registry.ComponentKind;
import io.jsorc.registry.Registry;
import org.junit.jupiter.api.Test;

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

    @Test
    void scanFilterComesFromTheSystemPropertyWhenTheBuilderGivesNone() {
        // The surefire configuration sets jsorc.scan.packages=io.jsorc.fixtures.scanned.
        try (Orchestrator o = Orchestrator.builder().build()) {
            assertThat(o.registry().names(ComponentKind.SERVICE)).containsExactly("scanned");
            assertThat(o.svc("scanned").app()).isEqualTo("scanned");
        }
    }
}
