package io.jsorc.services.elastic;

import com.fasterxml.jackson.databind.JsonNode;
import io.jsorc.base.Json;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * A small client of the Elasticsearch / OpenSearch REST API ({@code java.net.http} + Jackson): what the
 * {@code elastic} service needs, and a general {@link #request} for the rest. Thread-safe.
 */
public final class ElasticClient {

    /** Which server answers: the two differ in their lifecycle APIs (ILM vs ISM). */
    public enum Distribution {
        /** Elastic's Elasticsearch: ILM under {@code _ilm}. */
        ELASTICSEARCH,
        /** OpenSearch: ISM under {@code _plugins/_ism}, when the index-management plugin is installed. */
        OPENSEARCH
    }

    /**
     * A response.
     *
     * @param status the HTTP status
     * @param body   its body (may be empty)
     */
    public record Response(int status, String body) {

        /** {@return the body as JSON ({@code MissingNode} when empty)} */
        public JsonNode json() {
            if (body == null || body.isBlank()) {
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new ElasticException(status, null, "The server answered HTTP " + status + " with a body that "
                        + "is not JSON: " + abbreviate(body), e);
            }
        }

        /** {@return whether the status is 2xx} */
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    private final String url;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * Creates a client; nothing is sent until the first request.
     *
     * @param url           the base URL ({@code http://localhost:9200}); a trailing slash is ignored
     * @param authorization the {@code Authorization} header value ({@code Basic ...}, {@code ApiKey ...}), or
     *                      {@code null}/blank for none
     * @param ssl           trust for {@code https} (an ECK cluster's CA, say), or {@code null} for the JVM default
     * @param timeout       connect and request timeout
     */
    public ElasticClient(String url, String authorization, SSLContext ssl, Duration timeout) {
        URI parsed = URI.create(url);
        if (parsed.getScheme() == null || parsed.getHost() == null
                || !(parsed.getScheme().equals("http") || parsed.getScheme().equals("https"))) {
            throw new IllegalArgumentException("The Elasticsearch url must be http(s)://host[:port], got '"
                    + io.jsorc.base.Secrets.maskText(url) + "'");
        }
        String plain = url;
        String auth = authorization == null || authorization.isBlank() ? null : authorization;
        if (parsed.getRawUserInfo() != null) {
            // user:password@ in the URL: the JDK client would not send it, and every message naming the URL would
            // show it. Taken out, and sent as Basic credentials unless an authorization is given.
            plain = url.replaceFirst("//[^/@]*@", "//");
            if (auth == null) {
                String userInfo = java.net.URLDecoder.decode(parsed.getRawUserInfo(),
                        java.nio.charset.StandardCharsets.UTF_8);
                auth = "Basic " + java.util.Base64.getEncoder().encodeToString(
                        userInfo.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        this.url = plain.endsWith("/") ? plain.substring(0, plain.length() - 1) : plain;
        this.authorization = auth;
        this.timeout = timeout;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1);
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        this.http = builder.build();
    }

    /** {@return the base URL, without a trailing slash} */
    public String url() {
        return url;
    }

    /** {@return the request timeout} */
    public Duration timeout() {
        return timeout;
    }

    /**
     * {@return which server this is, from {@code GET /} ({@code version.distribution} is {@code opensearch} on
     * OpenSearch and absent on Elasticsearch)}
     */
    public Distribution distribution() {
        JsonNode root = expectOk("GET", "/", null).json();
        String distribution = root.path("version").path("distribution").asText("");
        return distribution.toLowerCase(Locale.ROOT).equals("opensearch") ? Distribution.OPENSEARCH
                : Distribution.ELASTICSEARCH;
    }

    /**
     * Asks the cluster for its health ({@code GET /_cluster/health}).
     *
     * @return the cluster's health status: {@code green}, {@code yellow} or {@code red}
     * @throws ElasticException when the server cannot be asked
     */
    public String clusterHealth() {
        return expectOk("GET", "/_cluster/health", null).json().path("status").asText("unknown");
    }

    /**
     * Sends a request and returns whatever the server answered (any status).
     *
     * @param method the HTTP method
     * @param path   the path, with its query, starting with {@code /}
     * @param json   the body (JSON, or NDJSON for {@code _bulk}), or {@code null}
     * @return the response
     * @throws ElasticException (status 0) when the server was not reached
     */
    public Response request(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(timeout);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", path.startsWith("/_bulk") ? "application/x-ndjson" : "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new ElasticException(0, null, method + " " + url + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ElasticException(0, null, method + " " + url + path + " was interrupted", e);
        }
    }

    /**
     * Like {@link #request}, but a non-2xx answer is an {@link ElasticException} with the server's error type and
     * reason.
     *
     * @param method the HTTP method
     * @param path   the path
     * @param json   the body, or {@code null}
     * @return the (2xx) response
     */
    public Response expectOk(String method, String path, String json) {
        Response response = request(method, path, json);
        if (!response.ok()) {
            throw error(method, path, response);
        }
        return response;
    }

    static ElasticException error(String method, String path, Response response) {
        String type = null;
        String reason = abbreviate(response.body());
        try {
            JsonNode error = Json.mapper().readTree(response.body() == null ? "" : response.body()).path("error");
            if (error.isObject()) {
                type = error.path("type").asText(null);
                reason = error.path("reason").asText(reason);
            } else if (error.isTextual()) {
                reason = error.asText();
            }
        } catch (IOException | RuntimeException e) {
            // Not JSON: keep the raw body as the reason.
        }
        return new ElasticException(response.status(), type, method + " " + path + " failed: HTTP "
                + response.status() + (type == null ? "" : " " + type) + ": " + reason, null);
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    @Override
    public String toString() {
        return "ElasticClient[" + url + "]";
    }
}
