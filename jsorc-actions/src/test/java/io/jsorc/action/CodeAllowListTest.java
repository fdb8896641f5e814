package io.jsorc.action;

import io.jsorc.Orchestrator;
import io.jsorc.fixtures.actions.Calc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code allowed_packages} and {@code allowed_jar_dirs} of ACTION_CONFIGS refuse code before anything is loaded. */
class CodeAllowListTest {

    private Orchestrator orchestrator;
    private ActionManager actions;

    @BeforeEach
    void start() {
        orchestrator = Orchestrator.builder().scanPackages().build();
        actions = orchestrator.get("action_manager", ActionManager.class);
    }

    @AfterEach
    void close() {
        orchestrator.close();
    }

    private void allow(String lists) {
        orchestrator.configSet(ActionManager.CONFIG_KEY, "{" + lists + "}");
    }

    @Test
    void aClassOutsideTheAllowedPackagesIsRefusedAndItsStaticInitialiserNeverRuns(@TempDir Path dir) {
        Path marker = dir.resolve("ran");
        System.setProperty("jsorc.test.marker", marker.toString());
        try {
            allow("\"allowed_packages\": [\"com.example.actions\", \"org.acme\"]");
            actions.config("evil", new ActionConfig("io.jsorc.fixtures.actions.NotAModule", null, 0, Map.of()));
            for (ActionMode mode : ActionMode.values()) {
                assertThatThrownBy(() -> actions.load("evil", mode)).isInstanceOf(ActionException.class)
                        .hasMessageContaining("Action module 'evil' is refused")
                        .hasMessageContaining("io.jsorc.fixtures.actions.NotAModule")
                        .hasMessageContaining("ACTION_CONFIGS.allowed_packages [com.example.actions, org.acme]");
            }
            assertThat(marker).as("the refused class's static initialiser wrote its file").doesNotExist();
            assertThat(actions.status()).as("nothing loaded, no entry, no server").isEmpty();
        } finally {
            System.clearProperty("jsorc.test.marker");
        }
    }

    @Test
    void aPackageAllowsItsSubpackagesOnly() {
        actions.config("calc", ActionConfig.of(Calc.class));
        allow("\"allowed_packages\": [\"io.jsorc.fix\"]"); // a prefix of a name is no package
        assertThatThrownBy(() -> actions.load("calc", ActionMode.LOCAL)).hasMessageContaining("allowed_packages");
        allow("\"allowed_packages\": [\"io.jsorc.fixtures\"]");
        actions.load("calc", ActionMode.LOCAL);
        assertThat(actions.call("calc.add", 2, 3)).isEqualTo(5);
    }

    @Test
    void aJarOutsideTheAllowedDirectoriesIsRefusedBeforeAClassLoaderOpens(@TempDir Path dir) throws Exception {
        Path jar = ModuleJars.greeter(dir.resolve("elsewhere"));
        Path allowed = Files.createDirectories(dir.resolve("plugins"));
        actions.config("greeter", new ActionConfig("plug.Greeter", jar.toString(), 1, Map.of()));
        allow("\"allowed_jar_dirs\": [\"" + allowed + "\"]");
        int loaders = LocalPlacement.openLoaders();
        assertThatThrownBy(() -> actions.load("greeter", ActionMode.LOCAL)).isInstanceOf(ActionException.class)
                .hasMessageContaining("its jar " + jar).hasMessageContaining("ACTION_CONFIGS.allowed_jar_dirs")
                .hasMessageContaining(allowed.toRealPath().toString());
        // A path that walks out of an allowed directory is no way around it.
        actions.config("greeter", new ActionConfig("plug.Greeter", allowed.resolve("../elsewhere/greeter.jar")
                .toString(), 1, Map.of()));
        assertThatThrownBy(() -> actions.load("greeter", ActionMode.LOCAL)).hasMessageContaining("allowed_jar_dirs");
        assertThat(LocalPlacement.openLoaders()).as("no class loader was opened").isEqualTo(loaders);

        Path inside = Files.copy(jar, allowed.resolve("greeter.jar"));
        actions.config("greeter", new ActionConfig("plug.Greeter", inside.toString(), 1, Map.of()));
        actions.load("greeter", ActionMode.LOCAL);
        assertThat(actions.call("greeter.hello", "you")).isEqualTo("hello you");
    }

    @Test
    void badListsAreNamed() {
        actions.config("calc", ActionConfig.of(Calc.class));
        allow("\"allowed_packages\": \"io.jsorc\"");
        assertThatThrownBy(() -> actions.load("calc", ActionMode.LOCAL))
                .hasMessageContaining("ACTION_CONFIGS.allowed_packages must be a list of non-blank strings");
        allow("\"allowed_packages\": [\"io/jsorc\"]");
        assertThatThrownBy(() -> actions.load("calc", ActionMode.LOCAL))
                .hasMessageContaining("must hold Java package names");
        allow("\"allowed_jar_dirs\": [\"plugins\"]");
        assertThatThrownBy(() -> actions.load("calc", ActionMode.LOCAL))
                .hasMessageContaining("ACTION_CONFIGS.allowed_jar_dirs must hold absolute directory paths");
        assertThatThrownBy(() -> actions.config("allowed_packages", ActionConfig.of(Calc.class)))
                .hasMessageContaining("top-level list");
        assertThat(actions.status()).isEmpty();
    }
}
