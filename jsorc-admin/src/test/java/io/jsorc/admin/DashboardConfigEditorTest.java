package io.jsorc.admin;

import io.jsorc.CommonService;
import io.jsorc.Service;
import io.jsorc.base.Secrets;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's config editor over real HTTP: a secret never reaches the page, whether the service was built. */
class DashboardConfigEditorTest {

    /** Declares a secret whose name does not look like one. */
    @Service(name = "db", secrets = {"dsn"})
    public static class Db extends CommonService<String> {
        static final java.util.concurrent.atomic.AtomicInteger BUILT = new java.util.concurrent.atomic.AtomicInteger();

        public Db() {
            BUILT.incrementAndGet();
        }

        @Override
        protected String run() {
            return "up";
        }
    }

    @Test
    void declaredSecretsAreMaskedBeforeTheServiceIsBuiltAndAfter() throws Exception {
        Db.BUILT.set(0);
        try (AdminHost host = AdminHost.start("", null, Db.class)) {
            host.orchestrator.configSet("DB_CONFIG", "{\"enabled\": true, \"dsn\": \"postgres-secret-dsn\", "
                    + "\"replica\": {\"dsn\": \"replica-secret-dsn\"}, \"host\": \"db.corp\"}");
            assertThat(Db.BUILT.get()).as("not built yet").isZero();

            AdminClient.Answer unbuilt = host.client.post("dashboard_config_get", Map.of("name", "db"));
            System.out.println("not built: " + unbuilt.response().body());
            assertThat(unbuilt.status()).isEqualTo(200);
            assertThat(unbuilt.response().body()).doesNotContain("secret-dsn");
            assertThat(unbuilt.map().get("config")).isEqualTo(Map.of("enabled", true, "dsn", Secrets.MASK,
                    "replica", Map.of("dsn", Secrets.MASK), "host", "db.corp"));

            host.orchestrator.svc("db");
            AdminClient.Answer built = host.client.post("dashboard_config_get", Map.of("name", "db"));
            assertThat(built.map().get("config")).isEqualTo(unbuilt.map().get("config"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSaveOfWhatWasShownKeepsNestedSecretsAndUrlPasswordsAndAMaskEditedAroundIsRefused() throws Exception {
        try (AdminHost host = AdminHost.start("", null, Db.class)) {
            host.orchestrator.configSet("DB_CONFIG", "{\"enabled\": true, \"dsn\": \"postgres-secret-dsn\", "
                    + "\"replica\": {\"dsn\": \"replica-secret-dsn\"}, \"url\": \"https://elastic:pw-secret@es:9200\", "
                    + "\"host\": \"db.corp\"}");
            Map<String, Object> shown = (Map<String, Object>) host.client.post("dashboard_config_get",
                    Map.of("name", "db")).map().get("config");
            assertThat(shown.get("url")).isEqualTo("https://****@es:9200");
            Map<String, Object> edited = new java.util.LinkedHashMap<>(shown);
            edited.put("host", "db2.corp");
            AdminClient.Answer saved = host.client.post("dashboard_config_set", Map.of("name", "db", "config", edited));
            assertThat(saved.status()).as(saved.response().body()).isEqualTo(200);
            Map<String, Object> stored = io.jsorc.base.Json.parseObject(host.orchestrator.configGet("DB_CONFIG"), "t");
            assertThat(stored).containsEntry("host", "db2.corp").containsEntry("dsn", "postgres-secret-dsn")
                    .containsEntry("url", "https://elastic:pw-secret@es:9200")
                    .containsEntry("replica", Map.of("dsn", "replica-secret-dsn"));

            edited.put("url", "https://****@es2:9200"); // the host edited, the hidden password left
            AdminClient.Answer refused = host.client.post("dashboard_config_set", Map.of("name", "db", "config",
                    edited));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.message()).contains("'url'").contains("type the whole value again");
            assertThat(host.orchestrator.configGet("DB_CONFIG")).contains("pw-secret@es:9200");
        }
    }
}
