package io.jsorc.action.remote;

import io.jsorc.action.ActionException;
import io.jsorc.action.ActionServer;
import io.jsorc.base.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/** Calls a remote action server over HTTP/JSON ({@link HttpClient}, keep-alive, bounded timeouts). */
final class RemoteActionClient {

    private final HttpClient http;
    private final String url;
    private final Duration timeout;
    private final String authorization;

    RemoteActionClient(String url, String token, Duration connectTimeout, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.authorization = token == null ? null : "Bearer " + token;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** {@return the server's spec, or throws when it does not answer} */
    Map<String, Object> spec() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(authorized(HttpRequest.newBuilder(URI.create(url
                + ActionServer.SPEC_PATH))).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("spec endpoint answered " + response.statusCode());
        }
        return Json.parseObject(response.body(), "action spec from " + url);
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    Object call(String action, Map<String, Object> wire) {
        HttpResponse<String> response;
        try {
            response = http.send(authorized(HttpRequest.newBuilder(URI.create(url + "/" + action))).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(wire))).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new RemoteCallTimeoutException("Remote action '" + action + "' at " + url
                    + " did not answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new ActionException("Remote action '" + action + "' at " + url + " did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActionException("Interrupted while calling remote action '" + action + "'", e);
        }
        Map<String, Object> body;
        try {
            body = Json.parseObject(response.body(), "answer of remote action '" + action + "'");
        } catch (IllegalArgumentException e) {
            throw new ActionException("Remote action '" + action + "' at " + url + " answered " + response.statusCode()
                    + " with no JSON: " + e.getMessage(), e);
        }
        if (response.statusCode() != 200) {
            throw new ActionException("Remote action '" + action + "' failed (HTTP " + response.statusCode() + "): "
                    + body.get("error"));
        }
        return body.get("result");
    }
}
