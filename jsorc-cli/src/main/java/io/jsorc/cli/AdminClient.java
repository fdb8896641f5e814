package io.jsorc.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Sends one admin operation: {@code POST {base}/js_admin/<operation>} with a JSON body and the bearer token.
 *
 * <p>Failures become a {@link CliException} with the exit code the CLI documents: connection refused, unknown host and
 * a connect timeout are {@link JsOrcCli#EXIT_CANNOT_CONNECT} (the message names the URL and how to change it); no
 * answer within the timeout, a broken or oversized answer are {@link JsOrcCli#EXIT_REFUSED} (the operation may have
 * run). Redirects are not followed, so the token never goes to another address.
 */
final class AdminClient {

    /** Bounds the memory an answer can take; the server's largest answers (benchmark reports) are far smaller. */
    static final int MAX_ANSWER_BYTES = 32 * 1024 * 1024;

    private final URI base;
    private final String token;
    private final HttpClient http;

    /**
     * A client of the admin API at {@code base}.
     *
     * @param base  the server's base URL, as {@link #parseBaseUrl} accepted it
     * @param token the bearer token, or null to send none (the server then answers 401)
     * @param connectTimeout bound on opening the connection
     */
    AdminClient(URI base, String token, Duration connectTimeout) {
        this.base = base;
        this.token = token;
        // Redirect.NEVER is the default; spelled out because following one would hand the token to another host.
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Checks and normalizes a base URL: {@code http} or {@code https}, a host, no user info, query or fragment; a
     * trailing slash is dropped.
     *
     * @throws IllegalArgumentException saying what is wrong and what is allowed
     */
    static URI parseBaseUrl(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the admin URL '" + shown(url) + "' is not a URL (" + e.getReason()
                    + "); expected e.g. http://127.0.0.1:9466");
        }
        // Never echo a URL with user info back, even masked: it may hold a password.
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("the admin URL must not hold user info (user:password@); pass the token"
                    + " with --token, --token-file or JSORC_TOKEN");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("the admin URL '" + shown(url) + "' must start with http:// or https://;"
                    + " expected e.g. http://127.0.0.1:9466");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the admin URL '" + shown(url) + "' has no host; expected e.g. http://127.0.0.1:9466");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException("the admin URL '" + shown(url) + "' has port " + uri.getPort()
                    + "; allowed: 1 to 65535, e.g. http://127.0.0.1:9466");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("the admin URL '" + shown(url) + "' must not have a query or fragment;"
                    + " expected e.g. http://127.0.0.1:9466");
        }
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }

    /**
     * The URL as an error message may show it: its user info and its query or fragment masked, since either may hold
     * a password or a token (even one the URL's syntax refuses).
     */
    static String shown(String url) {
        String text = url.strip();
        int at = text.lastIndexOf('@');
        if (at >= 0) {
            int scheme = text.indexOf("://");
            int from = scheme >= 0 && scheme < at ? scheme + 3 : 0;
            text = text.substring(0, from) + "****" + text.substring(at);
        }
        int query = text.indexOf('?');
        int fragment = text.indexOf('#');
        int cut = query < 0 ? fragment : fragment < 0 ? query : Math.min(query, fragment);
        return cut < 0 ? text : text.substring(0, cut + 1) + "****";
    }

    /** The base URL requests go to, for messages. */
    URI base() {
        return base;
    }

    /**
     * Posts {@code body} to the operation and returns the answer, whatever its status.
     *
     * @param timeout bound on waiting for the answer once connected
     * @throws CliException when the server cannot be reached or gives no usable answer in time
     */
    Answer post(String operation, String body, Duration timeout) {
        URI uri = URI.create(base + "/js_admin/" + operation);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw cannotConnect("connect timed out");
        } catch (HttpTimeoutException e) {
            throw new CliException(JsOrcCli.EXIT_REFUSED, "no answer from " + uri + " within " + timeout.toSeconds()
                    + " s (the operation may still run on the server; raise --timeout to wait longer)");
        } catch (ConnectException e) {
            throw cannotConnect(connectProblem(e));
        } catch (IOException e) {
            throw new CliException(JsOrcCli.EXIT_REFUSED, "request to " + uri + " failed: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(JsOrcCli.EXIT_REFUSED, "interrupted while waiting for " + uri);
        } catch (IllegalArgumentException e) { // a URL the JDK's client refuses that parseBaseUrl let through
            throw new CliException(JsOrcCli.EXIT_USAGE, "the admin URL " + shown(base.toString()) + " cannot be used: "
                    + e.getMessage());
        }
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            if (bytes.length > MAX_ANSWER_BYTES) {
                throw new CliException(JsOrcCli.EXIT_REFUSED, "the answer of " + uri + " is larger than "
                        + (MAX_ANSWER_BYTES >> 20) + " MiB; not read");
            }
            return new Answer(response.statusCode(), new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException(JsOrcCli.EXIT_REFUSED, "reading the answer of " + uri + " failed: " + describe(e));
        }
    }

    private CliException cannotConnect(String problem) {
        return new CliException(JsOrcCli.EXIT_CANNOT_CONNECT, "cannot connect to the admin API at " + base + " ("
                + problem + "); is the server running there? Set its URL with --url or the JSORC_URL environment variable");
    }

    /** Connection refused, unknown host, ...: the JDK wraps the cause, often with an empty message. */
    private static String connectProblem(ConnectException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host";
            }
        }
        // The JDK's HttpClient reports a refused connection as ConnectExceptions without a message.
        String message = describe(e);
        return message.equals(e.getClass().getSimpleName()) ? "connection refused" : message;
    }

    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    /** One answer: its HTTP status and body text. */
    record Answer(int status, String body) {

        /** True for a 2xx status. */
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }
}
