package io.jsorc.config;

import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import io.jsorc.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A secret from the environment is never stored in the config store: its placeholder is, and resolves at read. */
class SecretPlaceholdersTest {

    @Test
    void theStoreKeepsTheSecretsPlaceholderAndTheServiceGetsItsValue() {
        Map<String, String> environment = Map.of("DB_TOKEN", "t0p-s3cret", "DB_HOST", "db.corp", "PW", "hunter2");
        try (Orchestrator o = Fixtures.builder(Fixtures.Simple.class)
                .placeholders(new Placeholders(environment::get))
                .config("SIMPLE_CONFIG", "{\"enabled\": true, \"host\": \"${DB_HOST:localhost}\", "
                        + "\"dsn\": \"user:${DB_TOKEN}@db\", \"password\": \"${PW}\"}").build()) {
            CommonService<?> simple = o.svc("simple");
            String stored = o.hook().getGlob("SIMPLE_CONFIG").orElseThrow();
            System.out.println("stored: " + stored);
            assertThat(stored).contains("db.corp").contains("${DB_TOKEN}").contains("${PW}")
                    .doesNotContain("t0p-s3cret").doesNotContain("hunter2");
            assertThat(o.configGet("SIMPLE_CONFIG")).doesNotContain("t0p-s3cret").doesNotContain("hunter2");
            assertThat(simple.config()).containsEntry("host", "db.corp").containsEntry("dsn", "user:t0p-s3cret@db")
                    .containsEntry("password", "hunter2");
            assertThat(simple.info().config().toString()).doesNotContain("t0p-s3cret").doesNotContain("hunter2");
        }
    }

    @Test
    void everythingUnderASecretFieldKeepsItsPlaceholder() {
        Placeholders placeholders = new Placeholders(Map.of("ES_PW", "pa55-from-env", "ES_USER", "elastic")::get);
        Object stored = placeholders.resolvePublic(Map.of("auth", Map.of("user", "${ES_USER}", "value", "${ES_PW}",
                "nested", Map.of("deeper", "${ES_PW}")), "host", "${ES_USER}"), "default of ELASTIC_CONFIG");
        // ES_PW names no secret marker, but it sits under "auth": stored as the placeholder, resolved at read.
        assertThat(stored).isEqualTo(Map.of("auth", Map.of("user", "${ES_USER}", "value", "${ES_PW}",
                "nested", Map.of("deeper", "${ES_PW}")), "host", "elastic"));
    }

    @Test
    void aSecretIsTheTextItWasGivenNeverANumberOrNull() {
        Placeholders placeholders = new Placeholders(Map.of("DB_PASSWORD", "1e3", "PIN", "007", "ANY", "null",
                "PORT", "5432")::get);
        Object resolved = placeholders.resolve(Map.of("password", "${DB_PASSWORD}", "auth", Map.of("pin", "${PIN}",
                "x", "${ANY}"), "port", "${PORT}"), "DB_CONFIG");
        assertThat(resolved).isEqualTo(Map.of("password", "1e3", "auth", Map.of("pin", "007", "x", "null"),
                "port", 5432));
    }
}
