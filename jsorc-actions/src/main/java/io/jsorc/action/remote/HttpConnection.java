package io.jsorc.action.remote;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection to an action server, used by one calling thread at a time: the caller writes the
 * request and reads the answer itself, so a call costs no hand-off to another thread (an asynchronous client's
 * selector and callback threads cost more than the whole server's work on a busy machine; see
 * {@code ActionCallBenchmark}). It reads the answers an action server gives: a status line, headers, and a body
 * framed by {@code Content-Length} or chunked, or ended by the server closing the connection.
 */
final class HttpConnection implements AutoCloseable {

    /** A status and the body, in {@link #buffer} from {@code offset}, {@code length} bytes long. */
    record Answer(int status, byte[] buffer, int offset, int length) { }

    private static final int INITIAL_BUFFER = 8 * 1024;
    /** Requests above this may not fit the socket's buffers, so their write is watched ({@link #writeWatched}). */
    private static final int WATCHED_WRITE_BYTES = 64 * 1024;
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
    /**
     * Closes the sockets of watched writes that outlive their deadline: one daemon thread, started on the first large
     * request and ended after 10 s without one.
     */
    private static final java.util.concurrent.ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private static java.util.concurrent.ScheduledThreadPoolExecutor watchdog() {
        java.util.concurrent.ScheduledThreadPoolExecutor executor = new java.util.concurrent.ScheduledThreadPoolExecutor(
                1, io.jsorc.base.DaemonThreads.factory("jsorc-action-write-watchdog"));
        executor.setKeepAliveTime(10, java.util.concurrent.TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final int maxAnswerBytes;
    private byte[] buffer = new byte[INITIAL_BUFFER];
    /** The bytes read and not yet consumed are {@code buffer[start, end)}. */
    private int start;
    private int end;
    private boolean reusable = true;
    private long idleSince;

    HttpConnection(InetSocketAddress address, int connectTimeoutMillis, int maxAnswerBytes) throws IOException {
        Socket opened = new Socket();
        try {
            opened.setTcpNoDelay(true); // small requests: no Nagle delay against the server's delayed ACK
            opened.setKeepAlive(true);
            opened.connect(address, connectTimeoutMillis);
        } catch (IOException e) {
            opened.close();
            throw e;
        }
        this.socket = opened;
        this.out = opened.getOutputStream();
        this.in = opened.getInputStream();
        this.maxAnswerBytes = maxAnswerBytes;
    }

    /** {@return whether it can take another request (the last answer was read whole, and no close was asked)} */
    boolean reusable() {
        return reusable && !socket.isClosed();
    }

    /** {@return when it was last given back, in {@link System#nanoTime()}} */
    long idleSince() {
        return idleSince;
    }

    void markIdle() {
        idleSince = System.nanoTime();
    }

    /**
     * Sends a request and reads its answer.
     *
     * @param head     the request line and headers up to {@code Content-Length: } (or the whole head, for no body)
     * @param body     the body, or {@code null} for none
     * @param deadline when the answer must be there, in {@link System#nanoTime()}
     * @return the answer; its body stays valid until the next exchange on this connection
     * @throws java.net.SocketTimeoutException when the deadline passes
     * @throws IOException                     when the connection fails or the answer is no HTTP/1.1 answer
     */
    Answer exchange(byte[] head, byte[] body, long deadline) throws IOException {
        reusable = false; // until the answer was read whole
        // Nothing read of this exchange yet, also when the write fails: a dead kept-alive connection is retried.
        start = 0;
        end = 0;
        if (body == null) {
            out.write(head);
        } else if (body.length > WATCHED_WRITE_BYTES) {
            writeWatched(head, body, deadline);
        } else {
            byte[] length = Integer.toString(body.length).getBytes(StandardCharsets.US_ASCII);
            int size = head.length + length.length + 4 + body.length;
            byte[] request = size <= buffer.length ? buffer : new byte[size];
            System.arraycopy(head, 0, request, 0, head.length);
            System.arraycopy(length, 0, request, head.length, length.length);
            int at = head.length + length.length;
            request[at++] = '\r';
            request[at++] = '\n';
            request[at++] = '\r';
            request[at++] = '\n';
            System.arraycopy(body, 0, request, at, body.length);
            out.write(request, 0, size); // one write: one segment on the wire for a small call
        }
        out.flush();
        return readAnswer(deadline);
    }

    /**
     * Writes a request too large for the socket's buffers, bounded by the deadline: a server that stopped reading (a
     * frozen process keeps its window shut, and the kernel keeps the connection alive) would block the write for
     * ever, and only reads have a timeout. At the deadline the socket is closed, which ends the write.
     */
    private void writeWatched(byte[] head, byte[] body, long deadline) throws IOException {
        long delay = Math.max(0, deadline - System.nanoTime());
        java.util.concurrent.ScheduledFuture<?> watch = WATCHDOG.schedule(this::close, delay,
                java.util.concurrent.TimeUnit.NANOSECONDS);
        try {
            out.write(head);
            out.write(Integer.toString(body.length).getBytes(StandardCharsets.US_ASCII));
            out.write(HEAD_END);
            out.write(body);
            out.flush();
        } catch (IOException e) {
            if (watch.isDone()) {
                throw new java.net.SocketTimeoutException("The request (" + body.length + " bytes) could not be "
                        + "written before the call's deadline: the server does not read");
            }
            throw e;
        } finally {
            watch.cancel(false);
        }
    }

    private Answer readAnswer(long deadline) throws IOException {
        int headEnd;
        while ((headEnd = indexOfHeadEnd()) < 0) {
            fill(deadline, "the answer's headers");
        }
        int status = -1;
        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        int line = start;
        while (line < headEnd) {
            int eol = indexOf((byte) '\n', line, headEnd);
            int lineEnd = eol > line && buffer[eol - 1] == '\r' ? eol - 1 : eol;
            if (status < 0) {
                status = parseStatus(line, lineEnd);
            } else if (headerIs(line, lineEnd, "content-length")) {
                contentLength = Long.parseLong(value(line, lineEnd));
            } else if (headerIs(line, lineEnd, "transfer-encoding")) {
                chunked = value(line, lineEnd).toLowerCase(java.util.Locale.ROOT).contains("chunked");
            } else if (headerIs(line, lineEnd, "connection")) {
                close = value(line, lineEnd).toLowerCase(java.util.Locale.ROOT).contains("close");
            }
            line = eol + 1;
        }
        start = headEnd;
        Answer answer;
        if (chunked) {
            answer = readChunked(status, deadline);
        } else if (contentLength >= 0) {
            if (contentLength > maxAnswerBytes) {
                throw new AnswerTooLargeException("The answer has " + contentLength + " bytes; at most "
                        + maxAnswerBytes + " are read");
            }
            while (end - start < contentLength) {
                fill(deadline, "the answer's body");
            }
            answer = new Answer(status, buffer, start, (int) contentLength);
        } else {
            close = true; // the body ends where the server closes the connection
            while (fill(deadline, null)) {
                // reads to the end
            }
            answer = new Answer(status, buffer, start, end - start);
        }
        reusable = !close;
        return answer;
    }

    /** Reads a chunked body and moves its chunks together in place, after the headers. */
    private Answer readChunked(int status, long deadline) throws IOException {
        int bodyStart = start;
        int bodyEnd = start;
        while (true) {
            int eol;
            while ((eol = indexOf((byte) '\n', start, end)) < 0) {
                fill(deadline, "a chunk's size");
            }
            String sizeLine = new String(buffer, start, eol - start, StandardCharsets.US_ASCII).trim();
            int extension = sizeLine.indexOf(';');
            long size = Long.parseLong(extension < 0 ? sizeLine : sizeLine.substring(0, extension), 16);
            start = eol + 1;
            if (size == 0) {
                while (true) { // trailers, then the empty line
                    while ((eol = indexOf((byte) '\n', start, end)) < 0) {
                        fill(deadline, "the chunked body's end");
                    }
                    boolean empty = eol == start || (eol == start + 1 && buffer[start] == '\r');
                    start = eol + 1;
                    if (empty) {
                        return new Answer(status, buffer, bodyStart, bodyEnd - bodyStart);
                    }
                }
            }
            if (bodyEnd - bodyStart + size > maxAnswerBytes) {
                throw new AnswerTooLargeException("The chunked answer has more than " + maxAnswerBytes + " bytes");
            }
            while (end - start < size + 2) {
                fill(deadline, "a chunk");
            }
            System.arraycopy(buffer, start, buffer, bodyEnd, (int) size);
            bodyEnd += (int) size;
            start += (int) size + 2;
        }
    }

    /**
     * Reads more bytes into the buffer, growing it (up to the answer cap plus headers) when it is full.
     *
     * @return {@code false} at the end of the stream when {@code what} is {@code null}
     * @throws EOFException when the stream ends and {@code what} names what was still missing
     */
    private boolean fill(long deadline, String what) throws IOException {
        if (end == buffer.length) {
            if (buffer.length >= maxAnswerBytes + INITIAL_BUFFER) {
                throw new AnswerTooLargeException("The answer is larger than " + maxAnswerBytes + " bytes");
            }
            buffer = java.util.Arrays.copyOf(buffer, (int) Math.min((long) maxAnswerBytes + INITIAL_BUFFER,
                    2L * buffer.length));
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new java.net.SocketTimeoutException("no answer before the call timeout");
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            if (what == null) {
                return false;
            }
            throw new EOFException("The server closed the connection before " + what + " ("
                    + (end == 0 ? "no answer" : end + " bytes read") + ")");
        }
        end += n;
        return true;
    }

    /** {@return whether no byte of an answer was read in the last exchange: the request may not have arrived} */
    boolean nothingRead() {
        return end == 0;
    }

    private int indexOfHeadEnd() {
        for (int i = Math.max(start, 3); i < end; i++) {
            if (buffer[i] == '\n' && buffer[i - 1] == '\r' && buffer[i - 2] == '\n' && buffer[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private int parseStatus(int from, int to) throws IOException {
        // "HTTP/1.1 200 OK": the three digits after the first space
        int space = indexOf((byte) ' ', from, to);
        if (space < 0 || space + 4 > to || buffer[from] != 'H') {
            throw new IOException("Not an HTTP answer: "
                    + new String(buffer, from, Math.min(to - from, 80), StandardCharsets.ISO_8859_1));
        }
        int status = 0;
        for (int i = space + 1; i < space + 4; i++) {
            int digit = buffer[i] - '0';
            if (digit < 0 || digit > 9) {
                throw new IOException("Not an HTTP status line: "
                        + new String(buffer, from, Math.min(to - from, 80), StandardCharsets.ISO_8859_1));
            }
            status = status * 10 + digit;
        }
        return status;
    }

    /** Compares a header's name, ignoring case, without making a string of it. */
    private boolean headerIs(int from, int to, String name) {
        if (to - from <= name.length() || buffer[from + name.length()] != ':') {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            int c = buffer[from + i];
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String value(int from, int to) {
        int colon = indexOf((byte) ':', from, to);
        return new String(buffer, colon + 1, to - colon - 1, StandardCharsets.ISO_8859_1).trim();
    }

    @Override
    public void close() {
        reusable = false;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** The answer is larger than this connection reads: the server is fine, the result too large. */
    static final class AnswerTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        AnswerTooLargeException(String message) {
            super(message);
        }
    }
}
