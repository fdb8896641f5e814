package io.jsorc.services.elastic;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Credentials written into the Elasticsearch URL are sent as Basic auth and never shown with the URL. */
class ElasticClientUrlTest {

    @Test
    void userInfoInTheUrlBecomesBasicCredentialsAndLeavesTheUrl() throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "{\"version\":{\"number\":\"8.15.0\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            ElasticClient client = new ElasticClient("http://elastic:p%40ss-secret@127.0.0.1:"
                    + server.getAddress().getPort(), null, null, Duration.ofSeconds(5));
            assertThat(client.url()).isEqualTo("http://127.0.0.1:" + server.getAddress().getPort());
            assertThat(client.toString()).doesNotContain("secret");
            client.distribution();
            assertThat(authorizations).first().isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                    "elastic:p@ss-secret".getBytes(StandardCharsets.UTF_8)));
        } finally {
            server.stop(0);
        }
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        ElasticClient unreachable = new ElasticClient("http://elastic:p%40ss-secret@127.0.0.1:" + closed, null, null,
                Duration.ofSeconds(2));
        assertThatThrownBy(unreachable::distribution).message().doesNotContain("secret");
        assertThatThrownBy(() -> new ElasticClient("ftp://elastic:pw-secret@host", null, null, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("pw-secret");
    }
}
