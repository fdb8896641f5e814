package io.jsorc.action;

import io.jsorc.fixtures.actions.Counter;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A remote action server runs nothing for a caller without its token, and never listens openly without one. */
class ActionServerAuthTest {

    private static HttpResponse<String> post(int port, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aCallWithoutTheRightTokenGets401AndRunsNothing() throws Exception {
        Counter.HITS.set(0);
        try (ActionServer server = new ActionServer(Counter.class,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "s3cret-token")) {
            int port = server.port();
            assertThat(post(port, "/hit", null).statusCode()).isEqualTo(401);
            assertThat(post(port, "/hit", "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(post(port, "/jsorc_actions_spec/", null).statusCode()).isEqualTo(401);
            assertThat(Counter.HITS.get()).as("refused calls ran the action").isZero();
            HttpResponse<String> ok = post(port, "/hit", "Bearer s3cret-token");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("\"result\":1");
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/healthz")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).doesNotContain("counter").doesNotContain("hit");
        }
    }

    @Test
    void anOpenAddressWithoutATokenIsRefusedAndLoopbackIsTheDefault() throws Exception {
        assertThatThrownBy(() -> new ActionServer(Counter.class, new InetSocketAddress("0.0.0.0", 0), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ActionServer.TOKEN_ENV);
        try (ActionServer server = new ActionServer(Counter.class, 0)) {
            assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        }
    }
}
