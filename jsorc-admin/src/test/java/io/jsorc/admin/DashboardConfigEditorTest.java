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
}
