package io.jsorc.bench.remote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The bytes of one real action call: the HTTP request an action client sends and the answer the action server gives,
 * read off a raw socket, for the echo baseline to send and answer the same bytes.
 *
 * @param request the request bytes (headers and JSON body)
 * @param answer  the answer bytes (headers and JSON body)
 */
public record HttpCapture(byte[] request, byte[] answer) {

    /**
     * Calls {@code POST /<action>} once on a live action server and keeps the bytes.
     *
     * @param port   the server's port
     * @param token  its call token
     * @param action the action
     * @param body   the JSON body
     * @return the request and answer bytes
     * @throws IOException when the call fails
     */
    public static HttpCapture of(int port, String token, String action, String body) throws IOException {
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        byte[] request = ("POST /" + action + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer "
                + token + "\r\nContent-Type: application/json\r\nContent-Length: " + json.length + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            int contentLength = -1;
            int headerEnd = -1;
            while (headerEnd < 0 || answer.size() < headerEnd + contentLength) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("The server closed the connection mid-answer: " + answer);
                }
                answer.write(b);
                if (headerEnd < 0 && answer.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    String headers = answer.toString(StandardCharsets.ISO_8859_1);
                    headerEnd = answer.size();
                    for (String line : headers.split("\r\n")) {
                        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                            contentLength = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    if (contentLength < 0) {
                        throw new IOException("No Content-Length in " + headers);
                    }
                }
            }
            return new HttpCapture(request, answer.toByteArray());
        }
    }
}
