package io.jsorc.admin.dashboard;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

import java.io.IOException;
import java.io.InputStream;

/**
 * What a refusal does with a request body it did not read, so the connection stays usable. Internal to
 * {@code jsorc-admin}: the admin API's handler and the dashboard's endpoints share it.
 *
 * <p>A refusal may come before the body was read (no token, no CSRF header, a wrong method or path). A body left
 * unread made the server close, after the answer, a connection the client had put back in its pool, and the client's
 * next request on it failed ("header parser received no bytes"). So what is left of the body is read and dropped
 * first, up to {@value #DRAIN_BYTES} bytes (it arrives at the server's minimum data rate, or the connection ends); a
 * longer body, or one of unknown length, is not read, and the answer says {@code Connection: close} instead.
 */
public final class UnreadBody {

    /** The most of a refused request's body read and dropped, so its connection stays usable. */
    public static final long DRAIN_BYTES = 64 * 1024;

    private UnreadBody() {
    }

    /**
     * Reads and drops what is left of a refused request's body when it is short, else marks the answer
     * {@code Connection: close}. Call before the refusal is written.
     *
     * @param request  the refused request
     * @param response its answer, not yet written
     */
    public static void beforeRefusal(Request request, Response response) {
        if (!drained(request)) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    /** {@return whether the request's body is read to its end now (read here when short enough)} */
    private static boolean drained(Request request) {
        long length = request.getLength();
        if (length == 0) {
            return true;
        }
        if (length < 0 || length > DRAIN_BYTES) {
            return false;
        }
        try {
            InputStream in = Content.Source.asInputStream(request); // not closed: the request owns its content
            discard(in, length);
            return in.read() < 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Reads and drops at most {@code limit} more bytes of a body.
     *
     * @param in    the body
     * @param limit how much to read at most
     * @throws IOException when reading fails
     */
    public static void discard(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long left = limit;
        int n;
        while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
            left -= n;
        }
    }
}
