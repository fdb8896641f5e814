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
    void aRefusalBeforeTheBodyArrivedLeavesTheConnectionUsable() throws Exception {
        // The refusal (no token) comes on the headers; the body arrives later. The server reads and drops it before
        // answering, so the connection a client pools is still good: its next request on it is answered.
        java.net.URI url = java.net.URI.create(host.admin.url());
        byte[] body = SET.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String head = "POST /js_admin/config_set HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        try (java.net.Socket socket = new java.net.Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout(10_000);
            java.io.OutputStream out = socket.getOutputStream();
            java.io.InputStream in = socket.getInputStream();
            out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            Thread.sleep(300); // the rest of the body comes after the server could have answered
            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            String first = response(in);
            assertThat(first).startsWith("HTTP/1.1 401");
            out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            assertThat(response(in)).as("the next request on the same connection").startsWith("HTTP/1.1 401");
        }
    }

    /** Reads one HTTP response with a Content-Length body; its status line and headers. */
    static String response(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("the connection ended after: " + head);
            }
            head.append((char) b);
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
        return head.toString();
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
