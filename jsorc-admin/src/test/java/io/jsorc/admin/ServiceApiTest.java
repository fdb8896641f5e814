package io.jsorc.admin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The service operations: info, refresh (a service, and the orchestrator itself), config_set, jsorc_refresh. */
class ServiceApiTest {

    private static AdminHost host;

    @BeforeAll
    static void start() {
        host = AdminHost.start();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @Test
    void serviceInfoHasTheContractsFields() throws Exception {
        AdminClient.Answer info = host.client.post("service_info", Map.of("name", "redis"));
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.map()).containsKeys("name", "enabled", "automated", "quiet", "state", "config", "error")
                .containsEntry("name", "redis").containsEntry("enabled", false);
    }

    @Test
    void refreshingRedisAnswersSuccess() throws Exception {
        AdminClient.Answer refresh = host.client.post("service_refresh", Map.of("name", "redis"));
        assertThat(refresh.status()).isEqualTo(200);
        assertThat(refresh.map()).containsEntry("success", true);
    }

    @Test
    @SuppressWarnings("unchecked")
    void refreshingJsorcRereadsItsConfigAndRestartsTheLoop() throws Exception {
        host.orchestrator.configSet("JSORC_CONFIG", "{\"backoff_interval\": 4}");
        for (String name : new String[] {"jsorc", "meta"}) {
            AdminClient.Answer refresh = host.client.post("service_refresh", Map.of("name", name));
            assertThat(refresh.status()).isEqualTo(200);
            assertThat(refresh.map()).containsEntry("success", true);
        }
        AdminClient.Answer jsorc = host.client.post("jsorc_refresh", Map.of());
        assertThat(jsorc.status()).isEqualTo(200);
        assertThat(jsorc.map()).containsEntry("running_interval", 4.0);
        assertThat((Map<String, Object>) jsorc.map().get("config")).containsEntry("backoff_interval", 4);
        assertThat(host.client.get("/healthz", false).status()).isEqualTo(200);
    }

    @Test
    void serviceConfigSetStoresAndRefreshesAndAnswersTheInfo() throws Exception {
        AdminClient.Answer set = host.client.post("service_config_set", Map.of("name", "mail",
                "config", "{\"enabled\": false, \"host\": \"smtp.example.org\", \"pass\": \"hunter2\"}"));
        assertThat(set.status()).as(set.response().body()).isEqualTo(200);
        assertThat(set.map()).containsEntry("name", "mail").containsEntry("state", "NOT_STARTED");
        assertThat(set.response().body()).doesNotContain("hunter2");
        assertThat(host.orchestrator.configGet("MAIL_CONFIG")).contains("smtp.example.org");
        AdminClient.Answer bad = host.client.post("service_config_set", Map.of("name", "mail", "config", "[1]"));
        assertThat(bad.status()).isEqualTo(400);
    }
}
