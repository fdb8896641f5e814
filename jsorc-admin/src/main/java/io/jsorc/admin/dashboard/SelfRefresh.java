package io.jsorc.admin.dashboard;

import io.jsorc.base.DaemonThreads;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes the admin service for one of its own requests once that request's answer is sent. Not inside the
 * request: the refresh stops the server the request came through, and a graceful stop waits for the requests in
 * flight, that one too, so it waited out the stop timeout (5 s) and the client never got its answer.
 */
public final class SelfRefresh {

    /** The daemon the refresh runs on; it ends with the refresh. */
    public static final String THREAD = "jsorc-admin-self-refresh";

    private static final Logger log = LoggerFactory.getLogger(SelfRefresh.class);

    private SelfRefresh() {
    }

    /**
     * Wraps a request's callback: completes it, then starts the refresh on a daemon of its own (also when the
     * answer could not be written: the operation was accepted).
     *
     * @param callback the request's callback
     * @param refresh  the refresh of the admin service
     * @return the callback to write the answer with
     */
    public static Callback after(Callback callback, Runnable refresh) {
        return new Callback() {
            @Override
            public void succeeded() {
                callback.succeeded();
                start(refresh);
            }

            @Override
            public void failed(Throwable cause) {
                callback.failed(cause);
                start(refresh);
            }
        };
    }

    private static void start(Runnable refresh) {
        DaemonThreads.start(THREAD, () -> {
            try {
                refresh.run();
            } catch (RuntimeException e) {
                log.warn("Refreshing the admin service after its own request failed: {}", e.toString());
            }
        });
    }
}
