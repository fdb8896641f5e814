package io.jsorc.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.jsorc.base.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Serves one module's actions (Jetty core handler, no servlet): routes, checks the token, reads the body up to the cap,
 * then hands the call to the wrapped handler (the request queue, then {@link Invoker}), which parses the body straight
 * from its bytes, invokes the action and writes the answer straight to bytes.
 *
 * <p>The body is read without blocking, and before the call enters the request queue: a client that sends its body
 * slowly holds neither a thread nor one of the queue's slots.
 */
final class ActionHandler extends Handler.Wrapper {

    private static final Logger log = LoggerFactory.getLogger(ActionHandler.class);
    private static final PreEncodedHttpField JSON = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE,
            "application/json");
    private static final PreEncodedHttpField BEARER = new PreEncodedHttpField(HttpHeader.WWW_AUTHENTICATE, "Bearer");
    private static final ObjectReader READER = Json.mapper().readerFor(Map.class);
    private static final ObjectWriter WRITER = Json.mapper().writer();
    private static final byte[] HEALTHY = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);
    /** The request attribute that carries a call, its body read, from this handler to the {@link Invoker}. */
    private static final String CALL = ActionHandler.class.getName() + ".call";

    private final ActionSpec spec;
    private final Object module;
    private final long maxBodyBytes;
    /** {@code Bearer <token>}, or {@code null} for a loopback server started without a token. */
    private final String expectedAuthorization;
    /** The spec answer, written once: the module's actions do not change while it is served. */
    private final byte[] specAnswer;

    ActionHandler(ActionSpec spec, Object module, long maxBodyBytes, String token) {
        this.spec = spec;
        this.module = module;
        this.maxBodyBytes = maxBodyBytes;
        this.expectedAuthorization = token == null || token.isEmpty() ? null : "Bearer " + token;
        this.specAnswer = bytes(spec.describe());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getDecodedPath();
        if ("/healthz".equals(path)) {
            answer(response, callback, 200, HEALTHY); // open to probes; says nothing about the module
            return true;
        }
        if (!authorized(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            response.getHeaders().put(BEARER);
            answer(response, callback, 401, error("A call needs Authorization: Bearer <the server's token>"));
            return true;
        }
        if (ActionServer.SPEC_PATH.equals(path) || "/jsorc_actions_spec".equals(path)) {
            answer(response, callback, 200, specAnswer);
            return true;
        }
        if (!HttpMethod.POST.is(request.getMethod())) {
            answer(response, callback, 405, error("Use POST /<action>; GET " + ActionServer.SPEC_PATH
                    + " lists them"));
            return true;
        }
        String name = path == null || path.isEmpty() ? "" : path.substring(1);
        ActionMethod action = spec.action(name);
        if (action == null) {
            answer(response, callback, 404, error("No action '" + name + "' in module '" + spec.module()
                    + "'; actions: " + spec.names()));
            return true;
        }
        long length = request.getLength();
        if (length > maxBodyBytes) { // refused before a byte of it is read
            answer(response, callback, 413, tooLarge(length + " bytes"));
            return true;
        }
        new Call(request, response, callback, action, length).run();
        return true;
    }

    /** Builds the handler that runs calls once their body is read; wrap it in the request queue. */
    Handler invoker() {
        return new Invoker();
    }

    /** Compares in constant time for a given expected token: how long it takes says nothing about the token. */
    private boolean authorized(String given) {
        String expected = expectedAuthorization;
        if (expected == null) {
            return true;
        }
        if (given == null) {
            return false;
        }
        int difference = expected.length() ^ given.length();
        for (int i = 0; i < expected.length(); i++) {
            difference |= expected.charAt(i) ^ (i < given.length() ? given.charAt(i) : 0);
        }
        return difference == 0;
    }

    private byte[] tooLarge(String size) {
        return error("The request body (" + size + ") is larger than this server takes: " + maxBodyBytes
                + " bytes (remote." + ServerLimits.MAX_BODY_BYTES_KEY + ")");
    }

    /**
     * One call: reads its body as it arrives (the read callback) and parses it, then enters the request queue, which
     * {@link #invoke runs} it at once or when a slot is free.
     */
    private final class Call implements Runnable {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final ActionMethod action;
        /** The body's announced length, or -1 (chunked). */
        private final long length;
        private byte[] body;
        private int size;
        private Map<String, Object> wire;

        Call(Request request, Response response, Callback callback, ActionMethod action, long length) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.action = action;
            this.length = length;
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this); // called again, on a pool thread, once more of the body is there
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    callback.failed(chunk.getFailure()); // the client went away or the connection timed out
                    return;
                }
                ByteBuffer buffer = chunk.getByteBuffer();
                int n = buffer.remaining();
                if (size == 0 && chunk.isLast() && buffer.hasArray()) {
                    // The whole body in one heap chunk (the usual small call): parsed where it lies, no copy.
                    boolean parsed;
                    try {
                        parsed = parse(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
                    } finally {
                        chunk.release();
                    }
                    if (parsed) {
                        enqueue();
                    }
                    return;
                }
                if ((long) size + n > maxBodyBytes) { // a chunked body has no length to check up front
                    chunk.release();
                    answer(response, callback, 413, tooLarge("more than " + maxBodyBytes + " bytes"));
                    return;
                }
                if (n > 0) {
                    if (body == null || body.length < size + n) {
                        // The announced length at once; a chunked body grows by doubling, never past the cap.
                        long capacity = length >= size + n ? length : Math.min(maxBodyBytes, 2L * (size + n));
                        body = java.util.Arrays.copyOf(body == null ? new byte[0] : body, (int) capacity);
                    }
                    buffer.get(body, size, n);
                    size += n;
                }
                chunk.release();
                if (chunk.isLast()) {
                    if (parse(body == null ? new byte[0] : body, 0, size)) {
                        enqueue();
                    }
                    return;
                }
            }
        }

        /** Parses the body into the wire form; answers 400 and returns {@code false} when it is no JSON object. */
        private boolean parse(byte[] bytes, int offset, int count) {
            int first = offset;
            int end = offset + count;
            while (first < end && Character.isWhitespace(bytes[first])) {
                first++;
            }
            if (first == end) {
                wire = Map.of();
                return true;
            }
            String problem;
            if (bytes[first] != '{') {
                problem = "must be a JSON object ({param: value, \"*rest\": [...], \"**keywords\": {...}})";
            } else {
                try {
                    wire = READER.readValue(bytes, offset, count);
                    return true;
                } catch (IOException e) {
                    problem = "is not valid JSON: " + (e instanceof JsonProcessingException json
                            ? json.getOriginalMessage() : e.getMessage());
                }
            }
            answer(response, callback, 400, error("The request body of action '" + action.name() + "' " + problem));
            return false;
        }

        /** Hands the call to the request queue, which runs it now or once a slot is free (or answers 503). */
        private void enqueue() {
            request.setAttribute(CALL, this);
            try {
                if (!getHandler().handle(request, response, callback)) {
                    answer(response, callback, 500, error("The action server took no call"));
                }
            } catch (Exception e) {
                log.error("Action '{}' could not be queued", action.name(), e);
                answer(response, callback, 500, error("Action '" + action.name()
                        + "' failed inside the action server; see its log"));
            }
        }

        /** Runs the action and answers. */
        void invoke() {
            int status;
            byte[] answer;
            try {
                Object result = action.invoke(module, action.fromWire(wire));
                status = 200;
                answer = WRITER.writeValueAsBytes(Collections.singletonMap("result", result));
            } catch (ActionArgumentException e) {
                status = 400;
                answer = error(e.getMessage());
            } catch (ActionException e) {
                status = e.getCause() == null ? 400 : 500;
                answer = thrown(e);
            } catch (JsonProcessingException e) {
                status = 500;
                answer = error("Action '" + action.name() + "' returned a value that cannot be written as JSON: "
                        + e.getOriginalMessage());
            } catch (RuntimeException e) {
                // A fault of this server, not of the action: the details go to the log, not to the caller.
                log.error("Action '{}' failed inside the action server", action.name(), e);
                status = 500;
                answer = error("Action '" + action.name() + "' failed inside the action server; see its log");
            }
            answer(response, callback, status, answer);
        }
    }

    /** Runs a call the request queue let in (blocking: the action is the module's own code). */
    private static final class Invoker extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!(request.getAttribute(CALL) instanceof Call call)) {
                return false;
            }
            call.invoke();
            return true;
        }
    }

    /**
     * The answer to an action that threw: the message says what it threw; {@code type} and {@code message} carry the
     * exception's class and message for callers in other languages. No stack trace.
     */
    private static byte[] thrown(ActionException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        Throwable cause = e.getCause();
        if (cause != null) {
            body.put("type", cause.getClass().getName());
            body.put("message", cause.getMessage());
        }
        return bytes(body);
    }

    private static byte[] error(String message) {
        return bytes(Collections.singletonMap("error", message));
    }

    private static byte[] bytes(Object value) {
        try {
            return WRITER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write an answer as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void answer(Response response, Callback callback, int status, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(JSON);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
