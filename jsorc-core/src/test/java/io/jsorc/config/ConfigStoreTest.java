package io.jsorc.config;

import io.jsorc.base.Json;
import io.jsorc.base.Secrets;
import io.jsorc.Orchestrator;
import io.jsorc.fixtures.Fixtures;
import io.jsorc.fixtures.Fixtures.Disabled;
import io.jsorc.fixtures.Fixtures.Simple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigStoreTest {

    private Orchestrator o;

    @BeforeEach
    void build() {
        o = Fixtures.builder(Simple.class, Disabled.class).build();
    }

    @AfterEach
    void close() {
        o.close();
    }

    @Test
    void firstReadStoresTheResolvedDefaultAndLaterDefaultsNoLongerApply() {
        assertThat(o.hook().getGlob("DISABLED_CONFIG")).isEmpty();
        Map<String, Object> first = Json.parseObject(o.configGet("DISABLED_CONFIG"), "t");
        assertThat(first).containsEntry("host", "fallback-host").containsEntry("port", 6379)
                .containsEntry("url", "redis://h:1").containsEntry("enabled", false);
        assertThat(o.hook().getGlob("DISABLED_CONFIG")).isPresent();

        o.configSet("DISABLED_CONFIG", "{\"enabled\":true,\"host\":\"mine\"}");
        assertThat(Json.parseObject(o.configGet("DISABLED_CONFIG"), "t"))
                .isEqualTo(Map.of("enabled", true, "host", "mine"));
        o.configDelete("DISABLED_CONFIG");
        assertThat(Json.parseObject(o.configGet("DISABLED_CONFIG"), "t")).containsEntry("host", "fallback-host");
    }

    @Test
    void aStoredValueWinsOverTheDefault() {
        o.hook().setGlob("SIMPLE_CONFIG", "{\"enabled\":false}");
        assertThat(o.configGet("SIMPLE_CONFIG")).isEqualTo("{\"enabled\":false}");
        assertThat(o.svc("simple").isEnabled()).isFalse();
    }

    @Test
    void badWritesAreRefusedAndLeaveTheValueUnchanged() {
        String before = o.configGet("SIMPLE_CONFIG");

        assertThatThrownBy(() -> o.configSet("SIMPLE_CONFIG", "{\"enabled\": tru"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("config SIMPLE_CONFIG is not valid JSON at line 1, column");
        assertThatThrownBy(() -> o.configSet("SIMPLE_CONFIG", "[1,2]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be a JSON object, but is a JSON array");
        assertThatThrownBy(() -> o.configSet("NOPE_CONFIG", "{}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown config name 'NOPE_CONFIG'")
                .hasMessageContaining("JSORC_CONFIG").hasMessageContaining("SIMPLE_CONFIG");
        assertThatThrownBy(() -> o.configUpdate("SIMPLE_CONFIG", "colour", "\"red\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Config SIMPLE_CONFIG has no field 'colour'");
        assertThatThrownBy(() -> o.configUpdate("SIMPLE_CONFIG", "enabled", "not json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid JSON");

        assertThat(o.configGet("SIMPLE_CONFIG")).isEqualTo(before);
    }

    @Test
    void anUpdateLeavingAManifestUnreadableIsRefusedAsASetIs() {
        String doc = "{\"ConfigMap\": {\"a\": {\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", "
                + "\"metadata\": {\"name\": \"a\"}}}}";
        try (Orchestrator m = Fixtures.builder(Manifested.class).config("MF_MANIFEST", doc).build()) {
            String before = m.configGet("MF_MANIFEST");
            assertThatThrownBy(() -> m.configSet("MF_MANIFEST", "{\"ConfigMap\": 42}"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> m.configUpdate("MF_MANIFEST", "ConfigMap", "42"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ConfigMap");
            assertThat(m.configGet("MF_MANIFEST")).isEqualTo(before);
            assertThat(m.configStore().manifest("MF_MANIFEST").resources()).containsKey("ConfigMap");
        }
    }

    /** A service with a manifest key of its own. */
    @io.jsorc.Service(name = "manifested", manifest = "MF_MANIFEST")
    public static class Manifested extends io.jsorc.CommonService<String> {
        @Override
        protected String run() {
            return "up";
        }
    }

    @Test
    void aWriteWithTextAfterItsJsonIsRefusedNotHalfStored() {
        String before = o.configGet("SIMPLE_CONFIG");
        assertThatThrownBy(() -> o.configSet("SIMPLE_CONFIG", "{\"enabled\": true}, \"host\": \"h\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text follows its value");
        assertThat(o.configGet("SIMPLE_CONFIG")).isEqualTo(before);
    }

    @Test
    void updateReplacesOneFieldAndAcceptsFlags() {
        o.configSet("SIMPLE_CONFIG", "{\"enabled\":true,\"host\":\"a\"}");
        o.configUpdate("SIMPLE_CONFIG", "host", "\"b\"");
        o.configUpdate("SIMPLE_CONFIG", "automated", "true");
        assertThat(Json.parseObject(o.configGet("SIMPLE_CONFIG"), "t"))
                .isEqualTo(Map.of("enabled", true, "host", "b", "automated", true));
    }

    @Test
    void listAndExists() {
        assertThat(o.configExists("SIMPLE_CONFIG")).isTrue();
        assertThat(o.configExists("JSORC_CONFIG")).isTrue();
        assertThat(o.configList()).contains("JSORC_CONFIG", "SIMPLE_CONFIG", "DISABLED_CONFIG");
        assertThatThrownBy(() -> o.configExists("X")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Json.parseObject(o.configGet("JSORC_CONFIG"), "t"))
                .isEqualTo(Map.of("backoff_interval", 10, "pre_loaded_services", java.util.List.of()));
    }

    @Test
    void serviceConfigSetRefreshesTheService() {
        Simple before = o.svc("simple", Simple.class);
        Simple after = (Simple) o.serviceConfigSet("simple", "{\"enabled\":true,\"greeting\":\"hi\"}");
        assertThat(after).isNotSameAs(before);
        assertThat(after.config()).isEqualTo(Map.of("greeting", "hi"));
        assertThat(before.deletes.get()).isEqualTo(1);
        assertThatThrownBy(() -> o.serviceConfigSet("simple", "nope")).isInstanceOf(IllegalArgumentException.class);
        assertThat(o.svc("simple")).isSameAs(after);
    }

    @Test
    void overridesMustBeKnownObjects() {
        assertThatThrownBy(() -> Fixtures.builder(Simple.class).config("SIMPLE_CONFIG", "3").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("override of SIMPLE_CONFIG");
        assertThatThrownBy(() -> Fixtures.builder(Simple.class).config("OTHER", "{}").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unknown config name 'OTHER'");
    }

    @Test
    void placeholdersResolveFromTheLookupAndMissingOnesAreNamed() {
        Placeholders placeholders = new Placeholders(Map.of("HOST", "db", "PORT", "5432")::get);
        assertThat(placeholders.resolve(Map.of("h", "${HOST:x}", "p", "${PORT}", "u", "pg://${HOST}:${PORT}/"), "t"))
                .isEqualTo(Map.of("h", "db", "p", 5432, "u", "pg://db:5432/"));
        assertThatThrownBy(() -> placeholders.resolve("${MISSING}", "config X"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("${MISSING}").hasMessageContaining("config X");
    }

    @Test
    void environmentWinsOverSystemProperties() {
        String path = System.getenv("PATH");
        System.setProperty("PATH", "from-property");
        try {
            assertThat(Placeholders.fromEnvironment().resolve("${PATH}", "t")).isEqualTo(path);
            assertThat(Placeholders.fromEnvironment().resolve("${JSORC_TEST_ONLY_PROPERTY:x}", "t")).isEqualTo("x");
            System.setProperty("JSORC_TEST_ONLY_PROPERTY", "p");
            assertThat(Placeholders.fromEnvironment().resolve("${JSORC_TEST_ONLY_PROPERTY:x}", "t")).isEqualTo("p");
        } finally {
            System.clearProperty("PATH");
            System.clearProperty("JSORC_TEST_ONLY_PROPERTY");
        }
    }

    @Test
    void secretsAreMaskedByKeyName() {
        assertThat(Secrets.mask(Map.of("Password", "p", "client_secret", "s", "TOKEN", "t", "apiKey", "k", "host", "h")))
                .isEqualTo(Map.of("Password", "****", "client_secret", "****", "TOKEN", "****", "apiKey", "****",
                        "host", "h"));
    }
}
