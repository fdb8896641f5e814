package io.jsorc.bench.remote;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;

/** One raw keep-alive connection to the {@link EchoServer}: writes the request bytes, reads the answer bytes. */
public final class EchoClient implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final byte[] request;
    private final byte[] answer;

    /**
     * Connects.
     *
     * @param port          the echo server's port
     * @param request       the bytes of one request
     * @param answerLength  the length of one answer
     * @throws IOException when it cannot connect
     */
    public EchoClient(int port, byte[] request, int answerLength) throws IOException {
        this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
        this.request = request;
        this.answer = new byte[answerLength];
    }

    /**
     * Sends one request and reads its answer.
     *
     * @return the answer's last byte (so nothing folds)
     * @throws IOException when the connection fails
     */
    public byte roundTrip() throws IOException {
        out.write(request);
        in.readFully(answer);
        return answer[answer.length - 1];
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
