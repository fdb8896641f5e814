package io.jsorc.action.remote;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks a remote action server's {@code GET /healthz} (open, no token). A probe of its own, apart from the call
 * client, so that it does not queue behind the slow calls it is asked about.
 */
final class HealthProbe {

    /** The health endpoint every action server serves, whatever language it is written in. */
    static final String PATH = "/healthz";

    /** One client for every probe: a probe is rare (after a call timed out) and the client's threads are daemons. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private HealthProbe() {
    }

    /**
     * Asks the server once.
     *
     * @param baseUrl the server's base URL
     * @param timeout how long the probe may take
     * @return whether it answered 200 within the timeout
     */
    static boolean answers(String baseUrl, Duration timeout) {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + PATH)).timeout(timeout)
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true; // not a verdict on the server
        }
    }
}
