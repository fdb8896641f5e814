package io.jsorc.admin.dashboard;

import java.nio.charset.StandardCharsets;

/**
 * Writes Server-Sent Events frames (the {@code text/event-stream} format): optional {@code id:}, {@code event:},
 * one {@code data:} line per line of the payload, and a blank line. Field values cannot break the frame: line
 * breaks in an id or event name are refused, and every line break in the data starts a new {@code data:} line.
 */
public final class SseFrame {

    private SseFrame() {
    }

    /**
     * Formats one event.
     *
     * @param id    the event id (the browser sends it back as {@code Last-Event-ID}), or {@code null} for none
     * @param event the event type, or {@code null} for the default ({@code message})
     * @param data  the payload (JSON here)
     * @return the frame, UTF-8
     * @throws IllegalArgumentException when the id or event contains a line break
     */
    public static byte[] event(String id, String event, String data) {
        StringBuilder out = new StringBuilder(data.length() + 64);
        if (id != null) {
            out.append("id: ").append(singleLine(id, "id")).append('\n');
        }
        if (event != null) {
            out.append("event: ").append(singleLine(event, "event")).append('\n');
        }
        for (String line : data.split("\r\n|\r|\n", -1)) {
            out.append("data: ").append(line).append('\n');
        }
        return out.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Formats a comment line, which the browser ignores: a heartbeat that keeps proxies and idle timeouts from
     * closing a quiet stream.
     *
     * @param text the comment
     * @return the frame, UTF-8
     */
    public static byte[] comment(String text) {
        return (": " + singleLine(text, "comment") + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Formats the reconnection delay the browser should wait after the stream ends.
     *
     * @param millis the delay
     * @return the frame, UTF-8
     */
    public static byte[] retry(long millis) {
        return ("retry: " + millis + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String singleLine(String value, String field) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("An SSE " + field + " cannot hold a line break: " + value.strip());
        }
        return value;
    }
}
