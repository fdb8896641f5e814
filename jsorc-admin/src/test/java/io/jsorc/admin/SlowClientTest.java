package io.jsorc.admin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that trickle a sign-in body in, a byte at a time within the idle timeout, or stop sending it, to hold the
 * few request slots: they are cut, and the operators' requests keep being answered.
 */
class SlowClientTest {

    private static AdminHost host;

    @BeforeAll
    static void start() {
        host = AdminHost.start();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    /** {@return a connection that sent a sign-in's headers, announcing a body of {@code length} bytes, and no body} */
    private static Socket signInStarted(URI url, int length) throws java.io.IOException {
        Socket socket = new Socket(url.getHost(), url.getPort());
        socket.getOutputStream().write(("POST /js_admin/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                + "\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    @Test
    void stalledSignInBodiesDoNotTakeTheRequestSlotsAway() throws Exception {
        URI url = URI.create(host.admin.url());
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < AdminServer.MAX_REQUESTS + 2; i++) {
                // The headers, a byte of the body, then nothing: within the 30 s idle timeout, and no rate to judge.
                Socket socket = signInStarted(url, 100);
                stalled.add(socket);
                socket.getOutputStream().write('{');
                socket.getOutputStream().flush();
            }
            Thread.sleep(1_000); // every slot taken, if a stalled body can hold one

            assertTheOperatorIsAnswered(stalled.size() + " stalled bodies");
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    /** The operator's request beside the slow clients: answered, not refused (503) after waiting for a slot. */
    private static void assertTheOperatorIsAnswered(String beside) throws Exception {
        long t0 = System.nanoTime();
        AdminClient.Answer answer = host.client.post("config_index", Map.of());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("operator's request answered " + answer.status() + " in " + ms + " ms beside " + beside);
        assertThat(answer.status()).as("not 503 after waiting for a slot").isEqualTo(200);
    }

    @Test
    void trickledSignInBodiesDoNotTakeTheRequestSlotsAway() throws Exception {
        URI url = URI.create(host.admin.url());
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> trickles = new ArrayList<>();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < AdminServer.MAX_REQUESTS + 2; i++) {
                Socket socket = signInStarted(url, 10_000);
                sockets.add(socket);
                OutputStream out = socket.getOutputStream();
                Thread trickle = new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            out.write(' ');
                            out.flush();
                            Thread.sleep(1_000); // far within the 30 s idle timeout
                        }
                    } catch (Exception cut) {
                        // the server closed it: what this test wants
                    }
                }, "trickle-" + i);
                trickle.setDaemon(true);
                trickle.start();
                trickles.add(trickle);
            }
            Thread.sleep(3_000); // every slot taken, if the trickles can hold them

            assertTheOperatorIsAnswered(trickles.size() + " trickled bodies");
            for (Thread trickle : trickles) {
                trickle.join(30_000);
                assertThat(trickle.isAlive()).as("the server cut " + trickle.getName()).isFalse();
            }
        } finally {
            stop.set(true);
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
