package io.jsorc.action;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A module config with a value its module cannot use is refused when it is made, naming the key and what it allows:
 * before anything is loaded or a child JVM launched, not as a FAILED remote later or a silent default.
 */
class ActionConfigTest {

    private static ActionConfig remote(String key, Object value) {
        Map<String, Object> remote = new HashMap<>();
        remote.put(key, value);
        return new ActionConfig("io.jsorc.fixtures.actions.Calc", null, 0, remote);
    }

    @Test
    void badRemoteValuesAreNamedWithWhatIsAllowed() {
        assertThatThrownBy(() -> remote("timeout_ms", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("remote.timeout_ms of action module io.jsorc.fixtures.actions.Calc")
                .hasMessageContaining("whole number from 1 to 86400000, is 0");
        assertThatThrownBy(() -> remote("connect_timeout_ms", "2s")).hasMessageContaining("remote.connect_timeout_ms");
        assertThatThrownBy(() -> remote("drain_timeout_ms", -1)).hasMessageContaining("remote.drain_timeout_ms");
        assertThatThrownBy(() -> remote("timeout_ms", null)).hasMessageContaining("remote.timeout_ms")
                .hasMessageContaining("is null; leave it out for its default");
        assertThatThrownBy(() -> remote("on_failure", "locale")).hasMessageContaining("remote.on_failure")
                .hasMessageContaining("'locale'; allowed: restart (the default) or local");
        assertThatThrownBy(() -> remote("keep_logs", "yes")).hasMessageContaining("allowed: true or false");
        assertThatThrownBy(() -> remote("max_log_bytes", 100)).hasMessageContaining("remote.max_log_bytes")
                .hasMessageContaining("from 4096 to 1073741824, is 100");
        assertThatThrownBy(() -> remote("max_log_bytes", "1MB")).hasMessageContaining("remote.max_log_bytes");
        assertThat(new ActionConfig("m", null, 0, Map.of("max_log_bytes", 65536)).maxLogBytes()).isEqualTo(65536);
        assertThat(new ActionConfig("m", null, 0, Map.of()).maxLogBytes())
                .isEqualTo(ActionConfig.DEFAULT_MAX_LOG_BYTES);
        assertThatThrownBy(() -> remote("restart_budget", 5000)).hasMessageContaining("remote.restart_budget");
        assertThat(remote("on_failure", "local").remote()).containsEntry("on_failure", "local");
        assertThat(remote("image", "registry/calc:1").remote()).as("the kube launcher's keys pass")
                .containsKey("image");
    }

    @Test
    void aStoredModuleOrJarThatIsNoStringIsNamed() {
        assertThatThrownBy(() -> ActionConfig.fromMap(Map.of("module", 5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("module must be a string (the module class name), is 5");
        assertThatThrownBy(() -> ActionConfig.fromMap(Map.of("module", "a.B", "jar", java.util.List.of())))
                .hasMessageContaining("jar must be a string (a jar path)");
    }
}
