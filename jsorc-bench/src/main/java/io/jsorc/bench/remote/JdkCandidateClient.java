package io.jsorc.bench.remote;

import io.jsorc.base.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The JDK's {@code java.net.http} client, as the remote action client used it before (JSON through strings). */
final class JdkCandidateClient implements CandidateClient {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String url;
    private final String authorization;

    JdkCandidateClient(String url, String token) {
        this.url = url;
        this.authorization = "Bearer " + token;
    }

    @Override
    public Object call(String action, Map<String, Object> wire) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/" + action))
                .timeout(Duration.ofSeconds(30)).header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(wire))).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Object> body = Json.parseObject(response.body(), "answer");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode() + ": " + body.get("error"));
        }
        return body.get("result");
    }

    @Override
    public void close() {
        // the JDK client's selector thread ends once it is unreachable
    }
}
