package io.jsorc.admin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The config operations, including the original's admin tests re-expressed over HTTP. */
class ConfigApiTest {

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
    void theIndexIsLongerThanTwoAndHoldsJsorcConfig() throws Exception {
        AdminClient.Answer answer = host.client.post("config_index", Map.of());
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.list()).hasSizeGreaterThan(2).contains("JSORC_CONFIG", "ADMIN_CONFIG");
    }

    @Test
    void aPlainStringUnderAnUndeclaredNameRoundTripsWithDoCheckFalse() throws Exception {
        AdminClient.Answer set = host.client.post("config_set", Map.of("name", "TEST_KEY1", "value", "val1",
                "do_check", false));
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.map()).containsEntry("success", true);
        assertThat(host.client.post("config_get", Map.of("name", "TEST_KEY1", "do_check", false)).body())
                .isEqualTo("val1");
        assertThat(host.client.post("config_list", Map.of()).list()).contains("TEST_KEY1");
        assertThat(host.client.post("config_exists", Map.of("name", "TEST_KEY1")).body()).isEqualTo(true);
        assertThat(host.client.post("config_delete", Map.of("name", "TEST_KEY1", "do_check", false)).status())
                .isEqualTo(200);
        assertThat(host.client.post("config_exists", Map.of("name", "TEST_KEY1")).body()).isEqualTo(false);
        assertThat(host.client.post("config_get", Map.of("name", "TEST_KEY1", "do_check", false)).body()).isNull();
    }

    @Test
    void aSetOfAnUndeclaredNameWithoutDoCheckFalseIsRefusedAndNotStored() throws Exception {
        AdminClient.Answer set = host.client.post("config_set", Map.of("name", "TEST_KEY2", "value", "val1"));
        assertThat(set.status()).isEqualTo(404);
        assertThat(set.map()).containsEntry("success", false);
        assertThat(host.orchestrator.hook().getGlob("TEST_KEY2")).isEmpty();
        assertThat(host.client.post("config_exists", Map.of("name", "TEST_KEY2")).body()).isEqualTo(false);
    }

    @Test
    void aFreeNameMustBeShortAndPlain() throws Exception {
        AdminClient.Answer set = host.client.post("config_set", Map.of("name", "bad name/..", "value", "1",
                "do_check", false));
        assertThat(set.status()).isEqualTo(400);
        assertThat(set.message()).contains("A-Z a-z 0-9");
    }

    @Test
    void aKnownNameTakesAnObjectOrAStringHoldingOneAndIsStored() throws Exception {
        AdminClient.Answer set = host.client.post("config_set", Map.of("name", "JSORC_CONFIG",
                "value", "{\"backoff_interval\": 5, \"pre_loaded_services\": []}"));
        assertThat(set.status()).isEqualTo(200);
        assertThat(host.client.post("config_get", Map.of("name", "JSORC_CONFIG")).map())
                .containsEntry("backoff_interval", 5);
        assertThat(host.client.post("config_set", Map.of("name", "JSORC_CONFIG",
                "value", Map.of("backoff_interval", 7))).status()).isEqualTo(200);
        assertThat(host.orchestrator.configGet("JSORC_CONFIG")).contains("7");
        AdminClient.Answer update = host.client.post("config_update", Map.of("name", "JSORC_CONFIG",
                "field_key", "backoff_interval", "field_value", "9"));
        assertThat(update.status()).as(update.response().body()).isEqualTo(200);
        assertThat(host.client.post("config_get", Map.of("name", "JSORC_CONFIG")).map())
                .containsEntry("backoff_interval", 9);
        AdminClient.Answer badField = host.client.post("config_update", Map.of("name", "JSORC_CONFIG",
                "field_key", "no_such_field", "field_value", "1"));
        assertThat(badField.status()).isEqualTo(400);
        assertThat(badField.message()).contains("no_such_field");
    }

    @Test
    void aKnownNameWithNothingStoredGivesItsDefault() throws Exception {
        // Not ADMIN_CONFIG: a change of it refreshes the admin service (AdminServiceTest), this host's is shared.
        host.client.post("config_delete", Map.of("name", "JSORC_CONFIG"));
        AdminClient.Answer get = host.client.post("config_get", Map.of("name", "JSORC_CONFIG"));
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.map()).containsKeys("backoff_interval", "pre_loaded_services");
        assertThat(host.client.post("config_exists", Map.of("name", "JSORC_CONFIG")).body()).isEqualTo(true);
    }
}
