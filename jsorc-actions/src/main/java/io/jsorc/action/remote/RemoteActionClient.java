package io.jsorc.action.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.jsorc.action.ActionArgumentException;
import io.jsorc.action.ActionException;
import io.jsorc.action.ActionServer;
import io.jsorc.base.Json;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Calls a remote action server over HTTP/1.1 and JSON: {@code POST /<action>} with the wire form, keep-alive
 * connections ({@link HttpConnection}, at most {@value #MAX_IDLE_CONNECTIONS} kept idle), {@code TCP_NODELAY}, and the
 * JSON written to and parsed from bytes with Jackson. The calling thread does the I/O itself: no threads of its own,
 * so nothing to stop, and no hand-off per call.
 *
 * <p>A call that gets no answer within the call timeout throws {@link RemoteCallTimeoutException} (the action may just
 * be slow); any other I/O failure, a refused connection first, throws {@link ActionException} with the
 * {@link IOException} as its cause (the server may be gone).
 */
final class RemoteActionClient implements AutoCloseable {

    /** The connections kept open between calls; more calls at once open more, closed after use. */
    static final int MAX_IDLE_CONNECTIONS = 32;
    /** The largest answer read: 64 MiB. */
    static final int MAX_ANSWER_BYTES = 64 << 20;
    /**
     * A connection idle this long is closed rather than reused: servers close idle connections after 30 s, and a
     * request written just as the server closes would be lost.
     */
    private static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final int MAX_CACHED_HEADS = 1024;
    private static final ObjectReader READER = Json.mapper().readerFor(Map.class);
    private static final ObjectWriter WRITER = Json.mapper().writer();

    private final String url;
    private final InetSocketAddress address;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final String fixedHeaders;
    private final BlockingQueue<HttpConnection> idle = new ArrayBlockingQueue<>(MAX_IDLE_CONNECTIONS);
    /** Per action, the request head up to the body's length; bounded (actions are the module's few names). */
    private final Map<String, byte[]> heads = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private final long maxBodyBytes;

    RemoteActionClient(String url, String token, Duration connectTimeout, Duration timeout) {
        this(url, token, connectTimeout, timeout, Long.MAX_VALUE);
    }

    /**
     * A client of one server.
     *
     * @param maxBodyBytes the largest request body the server reads ({@code remote.max_body_bytes}): larger
     *                     arguments are refused here, before anything is sent (the server would answer 413 without
     *                     reading them, and the broken write would look like a dead server)
     */
    RemoteActionClient(String url, String token, Duration connectTimeout, Duration timeout, long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
        URI uri = URI.create(url);
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("A remote action server URL must be http://host:port, is " + url);
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        this.url = url;
        this.address = InetSocketAddress.createUnresolved(uri.getHost(), port);
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
        this.fixedHeaders = "Host: " + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + port) + "\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n");
    }

    /**
     * Reads the server's spec.
     *
     * @return the spec
     * @throws IOException when the server does not answer, or answers other than 200 with JSON
     */
    Map<String, Object> spec() throws IOException {
        byte[] head = ("GET " + ActionServer.SPEC_PATH + " HTTP/1.1\r\n" + fixedHeaders + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
        HttpConnection connection = connection();
        try {
            HttpConnection.Answer answer = connection.exchange(head, null, deadline());
            if (answer.status() != 200) {
                throw new IOException("spec endpoint answered " + answer.status());
            }
            Map<String, Object> spec = READER.readValue(answer.buffer(), answer.offset(), answer.length());
            release(connection);
            return spec;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Calls an action.
     *
     * @param action the action's name
     * @param wire   its arguments in the wire form
     * @return its result
     * @throws RemoteCallTimeoutException when no answer came within the call timeout
     * @throws ActionException            when the server cannot be reached (an {@link IOException} cause) or the
     *                                    action failed (the server's message, with its HTTP status)
     */
    Object call(String action, Map<String, Object> wire) {
        byte[] body;
        try {
            body = WRITER.writeValueAsBytes(wire);
        } catch (JsonProcessingException e) {
            // The caller's mistake, not a sign of a dead server.
            throw new ActionArgumentException("The arguments of remote action '" + action + "' cannot be written as "
                    + "JSON: " + e.getOriginalMessage());
        }
        if (body.length > maxBodyBytes) {
            throw new ActionArgumentException("The arguments of remote action '" + action + "' take " + body.length
                    + " bytes as JSON; the server reads at most " + maxBodyBytes + " (remote.max_body_bytes)");
        }
        byte[] head = head(action);
        long deadline = deadline();
        for (int attempt = 0; ; attempt++) {
            HttpConnection connection;
            try {
                connection = connection();
            } catch (IOException e) {
                throw new RemoteUnreachableException("Remote action '" + action + "' at " + url + " did not answer: "
                        + e, e);
            }
            boolean reused = connection.idleSince() != 0;
            try {
                HttpConnection.Answer answer = connection.exchange(head, body, deadline);
                Object result = result(action, answer);
                release(connection);
                return result;
            } catch (SocketTimeoutException e) {
                connection.close(); // a late answer must not be read as the next call's
                throw new RemoteCallTimeoutException("Remote action '" + action + "' at " + url
                        + " did not answer within " + timeout.toMillis() + " ms", e);
            } catch (HttpConnection.AnswerTooLargeException e) {
                connection.close(); // its body was not read: the connection cannot carry another call
                throw new ActionException("Remote action '" + action + "' at " + url + " answered more than this "
                        + "client reads: " + e.getMessage());
            } catch (IOException e) {
                connection.close();
                // A kept-alive connection the server had closed: the request never arrived; once more, on a new one.
                if (reused && attempt == 0 && connection.nothingRead()) {
                    continue;
                }
                throw new RemoteUnreachableException("Remote action '" + action + "' at " + url + " did not answer: "
                        + e, e);
            } catch (RuntimeException e) {
                connection.close();
                throw e;
            }
        }
    }

    private Object result(String action, HttpConnection.Answer answer) {
        Map<String, Object> body;
        try {
            body = READER.readValue(answer.buffer(), answer.offset(), answer.length());
        } catch (IOException e) {
            String problem = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.toString();
            throw new ActionException("Remote action '" + action + "' at " + url + " answered " + answer.status()
                    + " with no JSON object: " + problem, e);
        }
        if (answer.status() == 401) {
            // The server at this address does not take the token it was launched with: it is not the server this
            // host launched any more (a shared one re-created with a new token, a pod replaced). Handled as a server
            // gone: the placement is replaced, and its launcher fetches the token anew.
            throw new RemoteUnreachableException("Remote action '" + action + "' at " + url + " refused this host's "
                    + "call token (HTTP 401): the server was replaced", null);
        }
        if (answer.status() == 400) {
            // The caller's arguments: the same exception as a local call's.
            throw new ActionArgumentException("Remote action '" + action + "' refused its arguments (HTTP 400): "
                    + body.get("error"));
        }
        if (answer.status() != 200) {
            throw new ActionException("Remote action '" + action + "' failed (HTTP " + answer.status() + "): "
                    + body.get("error"));
        }
        return body.get("result");
    }

    private byte[] head(String action) {
        byte[] head = heads.get(action);
        if (head == null) {
            head = ("POST /" + encode(action) + " HTTP/1.1\r\n" + fixedHeaders
                    + "Content-Type: application/json\r\nContent-Length: ").getBytes(StandardCharsets.UTF_8);
            if (heads.size() < MAX_CACHED_HEADS) {
                heads.put(action, head);
            }
        }
        return head;
    }

    /** Percent-encodes what is not an unreserved URL character (an alias may hold anything). */
    private static String encode(String action) {
        StringBuilder out = new StringBuilder(action.length());
        for (byte b : action.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    private long deadline() {
        return System.nanoTime() + timeout.toNanos();
    }

    /** An idle connection that is still fresh, else a new one. */
    private HttpConnection connection() throws IOException {
        HttpConnection connection;
        while ((connection = idle.poll()) != null) {
            if (connection.reusable() && System.nanoTime() - connection.idleSince() < MAX_IDLE_NANOS) {
                return connection;
            }
            connection.close();
        }
        InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
        return new HttpConnection(resolved, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()),
                MAX_ANSWER_BYTES);
    }

    private void release(HttpConnection connection) {
        if (closed || !connection.reusable()) {
            connection.close();
            return;
        }
        connection.markIdle();
        if (!idle.offer(connection)) {
            connection.close(); // enough kept open already
        }
    }

    /** Closes the idle connections; calls after this still work but keep no connection open. */
    @Override
    public void close() {
        closed = true;
        HttpConnection connection;
        while ((connection = idle.poll()) != null) {
            connection.close();
        }
    }
}
