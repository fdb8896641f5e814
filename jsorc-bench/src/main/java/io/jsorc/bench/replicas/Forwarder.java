package io.jsorc.bench.replicas;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder in front of the API server, one per simulated replica: {@link #cut()} partitions that replica
 * from the cluster (open connections are closed, new ones are closed at once), as a crashed pod looks to the API
 * server; {@link #heal()} lets it through again. Its threads are daemons and end with {@link #close()}.
 */
final class Forwarder implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean closed;

    Forwarder(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "sim-forwarder-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@return the URL a replica uses to reach the API server through this forwarder} */
    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                if (cut) {
                    client.close();
                    continue;
                }
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
                open.add(client);
                open.add(server);
                pipe(client, server);
                pipe(server, client);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // a side closed: close both below
            } finally {
                quietly(from);
                quietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "sim-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    /** Partitions the replica: every open connection is closed and new ones are refused. */
    void cut() {
        cut = true;
        open.forEach(Forwarder::quietly);
    }

    /** Lets the replica reach the API server again. */
    void heal() {
        cut = false;
    }

    @Override
    public void close() {
        closed = true;
        cut();
        quietly(listener);
    }

    private static void quietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
