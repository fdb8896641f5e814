package io.jsorc.bench.remote;

import io.jsorc.base.Json;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Jetty's HTTP client: JSON written to and parsed from bytes with Jackson, no strings. */
final class JettyCandidateClient implements CandidateClient {

    private final HttpClient http = new HttpClient();
    private final String url;
    private final String authorization;

    JettyCandidateClient(String url, String token) throws Exception {
        this.url = url;
        this.authorization = "Bearer " + token;
        QueuedThreadPool pool = new QueuedThreadPool(8, 1);
        pool.setDaemon(true);
        http.setExecutor(pool);
        http.setUserAgentField(null);
        http.start();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object call(String action, Map<String, Object> wire) throws Exception {
        ContentResponse response = http.newRequest(url + "/" + action).method(HttpMethod.POST)
                .headers(h -> h.put(HttpHeader.AUTHORIZATION, authorization))
                .body(new BytesRequestContent("application/json", Json.mapper().writeValueAsBytes(wire)))
                .timeout(30, TimeUnit.SECONDS).send();
        Map<String, Object> body = Json.mapper().readValue(response.getContent(), Map.class);
        if (response.getStatus() != 200) {
            throw new IllegalStateException("HTTP " + response.getStatus() + ": " + body.get("error"));
        }
        return body.get("result");
    }

    @Override
    public void close() throws Exception {
        http.stop();
    }
}
