package io.jsorc.action;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Closes connections whose requests arrive too slowly. Jetty parses without blocking, so a slow client holds no
 * worker; but one that sends a byte every few seconds never trips the idle timeout and holds its connection forever,
 * and enough of them exhaust the connection limit. Jetty has no header timeout, so this checks every connection once
 * per window: bytes arrived but no request started, and fewer than the minimum rate allows, in two windows in a row
 * (one window could split a normal request at its edge) closes it. Idle connections (no bytes) and long actions (no
 * bytes while they run) are left to the idle timeout.
 */
final class SlowRequestGuard implements Connection.Listener {

    private static final Logger log = LoggerFactory.getLogger(SlowRequestGuard.class);

    private final Scheduler scheduler;
    private final long windowMillis;
    private final long minBytesPerWindow;

    SlowRequestGuard(Scheduler scheduler, ServerLimits limits) {
        this.scheduler = scheduler;
        this.windowMillis = limits.requestReadTimeout().toMillis();
        this.minBytesPerWindow = Math.max(1, limits.minRequestRate() * windowMillis / 1000);
    }

    @Override
    public void onOpened(Connection connection) {
        if (minBytesPerWindow > 0) {
            new Watch(connection).schedule();
        }
    }

    /** The check of one connection; it reschedules itself until the connection closes. */
    private final class Watch implements Runnable {
        private final Connection connection;
        private long bytes;
        private long messages;
        private int strikes;

        Watch(Connection connection) {
            this.connection = connection;
        }

        void schedule() {
            scheduler.schedule(this, windowMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void run() {
            if (!connection.getEndPoint().isOpen()) {
                return;
            }
            long nowBytes = connection.getBytesIn(); // bytes first: a request's bytes are counted before it is
            long nowMessages = connection.getMessagesIn();
            long arrived = nowBytes - bytes;
            boolean slow = nowMessages == messages && arrived > 0 && arrived < minBytesPerWindow;
            strikes = slow ? strikes + 1 : 0;
            bytes = nowBytes;
            messages = nowMessages;
            if (strikes >= 2) {
                log.debug("Closing a connection from {}: its request arrives at under {} bytes in {} ms",
                        connection.getEndPoint().getRemoteSocketAddress(), minBytesPerWindow, windowMillis);
                connection.getEndPoint().close();
                return;
            }
            schedule();
        }
    }
}
