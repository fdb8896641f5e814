package io.jsorc.admin.dashboard;

import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * One open event stream: a bounded queue of frames written one at a time to its response, never blocking whoever
 * offers them. A client that cannot keep up (its queue is full) is dropped: its connection is aborted, and the
 * browser reconnects with {@code Last-Event-ID}, replaying what it missed from the hub's ring or taking a fresh
 * snapshot. So a slow client costs at most its queue's bytes and never slows the others.
 */
final class EventClient extends IteratingCallback {

    private final Response response;
    private final Callback completion;
    private final int maxFrames;
    /** The byte cap; raised by a snapshot's size ({@link #offerStart}). Guarded by {@code queue}. */
    private long maxBytes;
    /** The snapshot queued by {@link #offerStart}, until it is written. Guarded by {@code queue}. */
    private ByteBuffer startFrame;
    private final Runnable onEnd;
    private final BooleanSupplier authorized;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean ended;
    private String endReason;

    /**
     * A stream over one response.
     *
     * @param response   the response, its headers set
     * @param completion the request's callback, completed when the stream ends
     * @param maxFrames  the most frames queued
     * @param maxBytes   the most bytes queued
     * @param onEnd      told once when the stream ends, however
     * @param authorized tells whether what let the stream open still holds (its session lives, the token is the
     *                   admin's): the hub ends it when it no longer does
     */
    EventClient(Response response, Callback completion, int maxFrames, long maxBytes, Runnable onEnd,
                BooleanSupplier authorized) {
        this.response = response;
        this.completion = completion;
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        this.onEnd = onEnd;
        this.authorized = authorized;
    }

    /** {@return whether what let the stream open still holds} */
    boolean authorized() {
        return authorized.getAsBoolean();
    }

    /**
     * Queues a frame and starts writing if idle.
     *
     * @param frame an encoded frame
     * @return false when the client was dropped (now, for being too slow, or before)
     */
    boolean offer(byte[] frame) {
        synchronized (queue) {
            if (ended) {
                return false;
            }
            if (queue.size() >= maxFrames || queuedBytes + frame.length > maxBytes) {
                ended = true;
                endReason = "too slow: " + queue.size() + " frames (" + queuedBytes + " bytes) waiting";
                queue.clear();
                queuedBytes = 0;
            } else {
                queue.add(ByteBuffer.wrap(frame));
                queuedBytes += frame.length;
            }
        }
        iterate();
        return !isEnded();
    }

    /**
     * Queues the frame a stream starts with (its snapshot): the stream's byte cap grows by its size, so a snapshot
     * larger than the cap still goes out (else every stream would be dropped at once, and every browser would
     * reconnect for another snapshot, for ever), and the frames behind it keep the usual allowance.
     *
     * @param frame an encoded frame
     * @return false when the client was dropped
     */
    boolean offerStart(byte[] frame) {
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        synchronized (queue) {
            if (ended) {
                return false;
            }
            maxBytes += frame.length; // taken back once it is written (process())
            startFrame = buffer;
            queue.add(buffer);
            queuedBytes += frame.length;
        }
        iterate();
        return !isEnded();
    }

    /** Ends the stream cleanly (the server is stopping); queued frames are dropped. */
    void end(String reason) {
        synchronized (queue) {
            if (!ended) {
                ended = true;
                endReason = reason;
                queue.clear();
                queuedBytes = 0;
            }
        }
        iterate();
    }

    boolean isEnded() {
        synchronized (queue) {
            return ended;
        }
    }

    /** {@return how many frames wait to be written} */
    int queued() {
        synchronized (queue) {
            return queue.size();
        }
    }

    @Override
    protected Action process() {
        ByteBuffer next;
        synchronized (queue) {
            if (ended) {
                // A dropped or closed stream is aborted rather than finished: the last write might never complete.
                throw new EndedException(endReason);
            }
            next = queue.poll();
            if (next != null) {
                queuedBytes -= next.remaining();
                if (next == startFrame) {
                    maxBytes -= next.remaining(); // the frames behind it keep the usual allowance
                    startFrame = null;
                }
            }
        }
        if (next == null) {
            return Action.IDLE;
        }
        response.write(false, next, this);
        return Action.SCHEDULED;
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
        synchronized (queue) {
            ended = true;
            queue.clear();
            queuedBytes = 0;
        }
        try {
            onEnd.run();
        } finally {
            completion.failed(cause instanceof EndedException ? new IOException(cause.getMessage()) : cause);
        }
    }

    @Override
    protected void onCompleteSuccess() {
        onEnd.run();
        completion.succeeded();
    }

    /** Ends the iteration: the stream was closed or dropped. */
    private static final class EndedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EndedException(String reason) {
            super("Event stream ended: " + reason, null, false, false);
        }
    }
}
