package io.jsorc.services.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of a Redis server that can make the connections that subscribed ({@code SUBSCRIBE}, {@code PSUBSCRIBE})
 * half-open: it stops forwarding in both directions without closing anything, as a dead NAT entry or a vanished peer
 * does. New connections keep working, so health checks pass: only a keepalive on the subscription itself notices.
 */
final class FreezingProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private volatile long replyDelayMillis;
    private volatile boolean freezeNew;

    /** One proxied connection. */
    private static final class Link {
        final Socket client;
        final Socket server;
        volatile boolean subscriber;
        volatile boolean frozen;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }
    }

    FreezingProxy(String host, int port) throws IOException {
        this.target = new InetSocketAddress(host, port);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "test-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Freezes every connection that has subscribed so far; returns how many. */
    int freezeSubscriptions() {
        int frozen = 0;
        for (Link link : links) {
            if (link.subscriber && !link.client.isClosed()) {
                link.frozen = true;
                frozen++;
            }
        }
        return frozen;
    }

    /** {@return how many connections have subscribed so far, frozen or closed ones included} */
    int subscribers() {
        return (int) links.stream().filter(link -> link.subscriber).count();
    }

    /**
     * Holds every reply to a connection that has not subscribed for this long before forwarding it (0: forward at
     * once): Redis has run the command, the client sees a timeout.
     */
    void delayReplies(long millis) {
        replyDelayMillis = millis;
    }

    /** {@return how many proxied connections are still open} */
    int openConnections() {
        return (int) links.stream().filter(link -> !link.client.isClosed()).count();
    }

    /** Freezes (or, with false, stops freezing) each connection as it subscribes, before the server hears it. */
    void freezeNewSubscriptions(boolean freeze) {
        freezeNew = freeze;
    }

    /** Lets frozen connections forward again. */
    void thaw() {
        links.forEach(link -> link.frozen = false);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                try {
                    server.connect(target, 1000);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                Link link = new Link(client, server);
                links.add(link);
                pump(link, client, server, true);
                pump(link, server, client, false);
            } catch (IOException e) {
                if (!closed) {
                    System.out.println("proxy accept failed: " + e);
                }
            }
        }
    }

    private void pump(Link link, Socket from, Socket to, boolean fromClient) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (!closed) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    if (fromClient && !link.subscriber && new String(buffer, 0, n, StandardCharsets.ISO_8859_1)
                            .toUpperCase(Locale.ROOT).contains("SUBSCRIBE")) {
                        link.subscriber = true;
                        if (freezeNew) {
                            link.frozen = true; // the SUBSCRIBE never reaches the server: no confirmation comes
                        }
                    }
                    while (link.frozen && !closed) {
                        Thread.sleep(10); // hold the bytes: nothing forwarded, nothing closed
                    }
                    long delay = replyDelayMillis;
                    if (!fromClient && !link.subscriber && delay > 0) {
                        Thread.sleep(delay);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // either side went away
            } finally {
                if (!link.frozen) {
                    closeQuietly(link.client);
                    closeQuietly(link.server);
                }
            }
        }, "test-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        closeListener();
        for (Link link : links) {
            closeQuietly(link.client);
            closeQuietly(link.server);
        }
    }

    private void closeListener() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
