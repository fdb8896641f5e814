package io.jsorc.admin.dashboard;

import io.jsorc.base.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON answers and capped JSON bodies for the dashboard's endpoints, in the admin API's shapes. */
final class HttpAnswers {

    private HttpAnswers() {
    }

    /** How long a body being read may send nothing before the connection is closed. */
    static final long BODY_IDLE_TIMEOUT_MS = 5_000;

    /** A request the endpoint refuses: its status and message are answered as {@code {success: false, message}}. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    static void json(Response response, Callback callback, int status, Object body) {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** Answers a refusal, after what is left of a short body (see {@link UnreadBody}). */
    static void refuse(Request request, Response response, Callback callback, int status, String message) {
        UnreadBody.beforeRefusal(request, response);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("message", message);
        json(response, callback, status, body);
    }

    /** Reads a JSON object body (empty: {@code {}}) of at most {@code cap} bytes. */
    static Map<String, Object> body(Request request, long cap, String what) throws IOException {
        if (request.getLength() > cap) {
            throw new Refusal(413, "The request body has " + request.getLength() + " bytes; the cap is " + cap);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        // A body that stops coming holds its request slot: while it is read, the connection's idle timeout is short
        // (a body that trickles in is cut by the server's minimum data rate).
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        long idleTimeout = endPoint.getIdleTimeout();
        endPoint.setIdleTimeout(idleTimeout > 0 ? Math.min(idleTimeout, BODY_IDLE_TIMEOUT_MS) : BODY_IDLE_TIMEOUT_MS);
        try (InputStream in = Content.Source.asInputStream(request)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (out.size() + (long) n > cap) {
                    throw new Refusal(413, "The request body is over the cap of " + cap + " bytes");
                }
                out.write(buffer, 0, n);
            }
        } finally {
            endPoint.setIdleTimeout(idleTimeout);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return Map.of();
        }
        try {
            return Json.parseObject(text, what);
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "The request body must be a JSON object: " + e.getMessage());
        }
    }
}
