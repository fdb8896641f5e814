package io.jsorc.admin;

import io.jsorc.base.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A plain HTTP client of the admin API for the tests (the JDK's, so the server is tested over the wire). */
final class AdminClient {

    /** One answer: status, parsed JSON body, the raw response. */
    record Answer(int status, Object body, HttpResponse<String> response) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map() {
            return (Map<String, Object>) body;
        }

        @SuppressWarnings("unchecked")
        java.util.List<Object> list() {
            return (java.util.List<Object>) body;
        }

        String message() {
            return String.valueOf(map().get("message"));
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;
    private final String token;

    AdminClient(String url, String token) {
        this.url = url;
        this.token = token;
    }

    Answer post(String operation, Map<String, ?> body) throws IOException, InterruptedException {
        return send(operation, "Bearer " + token, "application/json", Json.write(body));
    }

    Answer send(String operation, String authorization, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/js_admin/" + operation))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return answer(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    Answer sendBytes(String operation, String contentType, byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/js_admin/" + operation))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", contentType)
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return answer(http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    Answer get(String path, boolean withToken) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .GET();
        if (withToken) {
            request.header("Authorization", "Bearer " + token);
        }
        return answer(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static Answer answer(HttpResponse<String> response) {
        String text = response.body();
        Object body = text == null || text.isBlank() ? null : Json.parseValue(text, "admin answer");
        return new Answer(response.statusCode(), body, response);
    }
}
