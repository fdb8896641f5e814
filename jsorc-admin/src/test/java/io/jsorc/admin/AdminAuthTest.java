package io.jsorc.admin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every operation needs the token: missing or wrong is a 401 with WWW-Authenticate, and nothing runs. */
class AdminAuthTest {

    private static AdminHost host;

    @BeforeAll
    static void start() {
        host = AdminHost.start();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private static final String SET = "{\"name\": \"AUTH_PROBE\", \"value\": \"x\", \"do_check\": false}";

    @Test
    void aCallWithoutATokenIsRefusedWith401AndRunsNothing() throws Exception {
        AdminClient.Answer answer = host.client.send("config_set", null, "application/json", SET);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.response().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
                assertThat(v).startsWith("Bearer"));
        assertThat(answer.map()).containsEntry("success", false);
        assertThat(answer.message()).contains("token");
        assertThat(host.orchestrator.hook().getGlob("AUTH_PROBE")).isEmpty();
    }

    @Test
    void aWrongTokenIsRefusedAndRunsNothing() throws Exception {
        for (String wrong : new String[] {"Bearer nope", "Bearer " + AdminHost.TOKEN + "x", "Basic abc",
                "Bearer", "token " + AdminHost.TOKEN.substring(1)}) {
            AdminClient.Answer answer = host.client.send("config_set", wrong, "application/json", SET);
            assertThat(answer.status()).as(wrong).isEqualTo(401);
        }
        assertThat(host.orchestrator.hook().getGlob("AUTH_PROBE")).isEmpty();
    }

    @Test
    void aRefusalOfARequestWithABodyClosesTheConnectionSoNoClientReusesIt() throws Exception {
        // A body the refusal never reads: a client that pooled the connection would send its next request on a
        // connection the server closes (the JDK's client then fails with "header parser received no bytes").
        String big = "{\"name\": \"AUTH_PROBE\", \"value\": \"" + "x".repeat(512 * 1024) + "\", \"do_check\": false}";
        AdminClient.Answer refused = host.client.send("config_set", "Bearer nope", "application/json", big);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.response().headers().firstValue("Connection")).hasValue("close");
        for (int i = 0; i < 5; i++) { // the next requests of the same client get fresh connections
            assertThat(host.client.send("config_set", "Bearer nope", "application/json", SET).status()).isEqualTo(401);
        }
        assertThat(host.client.send("config_index", "Bearer " + AdminHost.TOKEN, "application/json", "").status())
                .isEqualTo(200);
    }

    @Test
    void anUnknownOperationWithoutATokenIs401NotAListOfOperations() throws Exception {
        AdminClient.Answer answer = host.client.send("no_such_op", null, "application/json", "{}");
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.message()).doesNotContain("config_get");
    }

    @Test
    void theBearerAndTheOriginalsTokenFormsAreAccepted() throws Exception {
        assertThat(host.client.send("config_index", "Bearer " + AdminHost.TOKEN, "application/json", "")
                .status()).isEqualTo(200);
        assertThat(host.client.send("config_index", "token " + AdminHost.TOKEN, "application/json", "")
                .status()).isEqualTo(200);
    }

    @Test
    void theTokenIsMaskedInTheServicesInfo() throws Exception {
        assertThat(host.admin.info().config()).containsEntry("token", "****");
        AdminClient.Answer info = host.client.post("service_info", Map.of("name", "admin"));
        assertThat(info.response().body()).doesNotContain(AdminHost.TOKEN);
        assertThat(info.map().get("config")).asString().contains("****");
    }

    @Test
    void theHealthProbesNeedNoToken() throws Exception {
        assertThat(host.client.get("/healthz", false).status()).isEqualTo(200);
        assertThat(host.client.get("/healthz", false).map()).containsEntry("status", "UP");
        AdminClient.Answer ready = host.client.get("/readyz", false);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.map()).doesNotContainKey("services");
    }
}
