package io.jsorc.bench.remote;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The physical floor of a remote call: a raw keep-alive socket server that reads a request of a known length and
 * answers fixed bytes (the same request and answer bytes as an HTTP action call, but no HTTP parsing and no JSON).
 * One thread per connection, {@code TCP_NODELAY}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.jsorc.bench.remote.EchoServer <request length> <answer file>}.
 */
public final class EchoServer {

    private EchoServer() {
    }

    /**
     * Runs the echo server until its parent is gone.
     *
     * @param args the request length in bytes, and the file holding the answer bytes
     * @throws Exception when it cannot start
     */
    public static void main(String[] args) throws Exception {
        int requestLength = Integer.parseInt(args[0]);
        byte[] answer = Files.readAllBytes(Path.of(args[1]));
        ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket socket = server.accept();
                    socket.setTcpNoDelay(true);
                    Thread worker = new Thread(() -> serve(socket, requestLength, answer), "echo-connection");
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "echo-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        ChildProcesses.reportPort(server.getLocalPort());
        ChildProcesses.runUntilParentExits(() -> {
            try {
                server.close(); // the acceptor and connection threads are daemons
            } catch (IOException e) {
                // ending anyway
            }
        });
    }

    private static void serve(Socket socket, int requestLength, byte[] answer) {
        byte[] request = new byte[requestLength];
        try (socket; DataInputStream in = new DataInputStream(socket.getInputStream());
             OutputStream out = socket.getOutputStream()) {
            while (true) {
                in.readFully(request);
                out.write(answer);
            }
        } catch (IOException e) {
            // the client closed the connection
        }
    }
}
