package io.jsorc.admin.dashboard;

import io.jsorc.base.Json;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.LongFunction;

/**
 * Fans events out to the open streams and keeps the last {@code ringSize} of them for replay. Every replayable event
 * gets the id {@code <epoch>-<seq>}: the epoch is new with every hub (every server start), so a browser that
 * reconnects to a restarted server, or asks for more than the ring holds, gets a fresh snapshot instead of a gap.
 * Transient events (benchmark ticks, health, heartbeats) carry no id and are not replayed. Thread-safe; publishing
 * never blocks on a client.
 */
public final class EventHub {

    /** A replayable event as the ring keeps it. */
    private record Stored(long seq, byte[] frame) { }

    private final String epoch;
    private final int ringSize;
    private final int maxClients;
    private final ArrayDeque<Stored> ring = new ArrayDeque<>();
    private final Set<EventClient> clients = new CopyOnWriteArraySet<>();
    private long lastSeq;
    private long dropped;

    /**
     * Creates a hub.
     *
     * @param epoch      this hub's epoch (no {@code -}, no line breaks)
     * @param ringSize   how many replayable events are kept
     * @param maxClients how many streams may be open at once
     */
    public EventHub(String epoch, int ringSize, int maxClients) {
        if (epoch.isEmpty() || epoch.contains("-") || epoch.contains("\n")) {
            throw new IllegalArgumentException("An epoch must be non-empty, without '-' or line breaks: " + epoch);
        }
        this.epoch = epoch;
        this.ringSize = ringSize;
        this.maxClients = maxClients;
    }

    /** {@return this hub's epoch} */
    public String epoch() {
        return epoch;
    }

    /**
     * Publishes an event to every open stream.
     *
     * @param type       the event type
     * @param data       the payload, written as JSON
     * @param replayable whether it gets an id and is kept for replay
     */
    public void publish(String type, Object data, boolean replayable) {
        String json = Json.write(data);
        byte[] frame;
        synchronized (this) {
            if (replayable) {
                long seq = ++lastSeq;
                frame = SseFrame.event(epoch + "-" + seq, type, json);
                ring.addLast(new Stored(seq, frame));
                if (ring.size() > ringSize) {
                    ring.removeFirst();
                }
            } else {
                frame = SseFrame.event(null, type, json);
            }
            // Offered under the lock so every stream sees the events in id order; offering never blocks.
            clients.forEach(client -> offer(client, frame));
        }
    }

    /**
     * Sends a frame (a heartbeat comment) to every open stream.
     *
     * @param frame an encoded frame
     */
    public synchronized void broadcast(byte[] frame) {
        clients.forEach(client -> offer(client, frame));
    }

    private void offer(EventClient client, byte[] frame) {
        if (!client.offer(frame)) {
            if (clients.remove(client)) {
                dropped++;
            }
        }
    }

    /** {@return the id of the last replayable event, e.g. {@code k2x9-41}} */
    public synchronized String lastId() {
        return epoch + "-" + lastSeq;
    }

    /**
     * Finds what a reconnecting browser missed.
     *
     * @param lastEventId the {@code Last-Event-ID} it sent, or {@code null}
     * @return the frames after that id, or empty when they cannot be replayed (no id, another epoch, or older than
     * the ring): the browser needs a fresh snapshot then
     */
    public synchronized Optional<List<byte[]>> replay(String lastEventId) {
        long seq = seqOf(lastEventId);
        if (seq < 0 || seq > lastSeq) {
            return Optional.empty();
        }
        long oldest = ring.isEmpty() ? lastSeq + 1 : ring.peekFirst().seq();
        if (seq + 1 < oldest) {
            return Optional.empty();
        }
        List<byte[]> missed = new ArrayList<>();
        ring.forEach(stored -> {
            if (stored.seq() > seq) {
                missed.add(stored.frame());
            }
        });
        return Optional.of(missed);
    }

    /**
     * Opens a stream: it first gets what the browser missed (or a snapshot), then every event published after.
     * The snapshot is built outside the hub's lock (it reads the orchestrator); events published meanwhile are
     * replayed after it, so nothing falls in between.
     *
     * @param client      the new stream
     * @param lastEventId the browser's {@code Last-Event-ID}, or {@code null}
     * @param snapshot    builds a snapshot frame given the id it is to carry (the last event id it includes)
     * @return false when too many streams are open (the client is not added)
     */
    public boolean open(EventClient client, String lastEventId, LongFunction<byte[]> snapshot) {
        if (clients.size() >= maxClients) {
            return false;
        }
        Optional<List<byte[]>> missed = replay(lastEventId);
        long from;
        if (missed.isPresent()) {
            missed.get().forEach(client::offer);
            from = lastSeqOf(missed.get(), seqOf(lastEventId));
        } else {
            long before;
            synchronized (this) {
                before = lastSeq;
            }
            client.offerStart(snapshot.apply(before)); // may be larger than a stream's byte cap
            from = before;
        }
        synchronized (this) {
            if (clients.size() >= maxClients) {
                return false;
            }
            ring.forEach(stored -> {
                if (stored.seq() > from) {
                    client.offer(stored.frame());
                }
            });
            clients.add(client);
        }
        return true;
    }

    private long lastSeqOf(List<byte[]> frames, long given) {
        return given + frames.size();
    }

    /**
     * Removes a stream that ended.
     *
     * @param client the stream
     */
    public void close(EventClient client) {
        clients.remove(client);
    }

    /** {@return whether no more streams may open} */
    public boolean full() {
        return clients.size() >= maxClients;
    }

    /** {@return how many streams are open} */
    public int clients() {
        return clients.size();
    }

    /** {@return how many streams were dropped for being too slow} */
    public synchronized long dropped() {
        return dropped;
    }

    /**
     * Ends the streams whose authorization no longer holds: a session signed out or expired (its page has to sign in
     * again), a token no longer the admin's. Called every second by the feed and at once on sign-out.
     */
    public void revalidate() {
        for (EventClient client : clients) {
            if (!client.authorized()) {
                clients.remove(client);
                client.end("no longer authorized: the session ended or the token changed");
            }
        }
    }

    /** Ends every open stream (the server stops). */
    public void endAll() {
        clients.forEach(client -> client.end("the admin server is stopping"));
        clients.clear();
    }

    /** {@return the sequence number of an id of this epoch, or -1} */
    private long seqOf(String id) {
        if (id == null) {
            return -1;
        }
        int dash = id.lastIndexOf('-');
        if (dash <= 0 || !id.substring(0, dash).equals(epoch)) {
            return -1;
        }
        try {
            return Long.parseLong(id.substring(dash + 1).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Formats the id a snapshot carries.
     *
     * @param seq the last sequence number it includes
     * @return the id
     */
    public String idOf(long seq) {
        return epoch + "-" + seq;
    }
}
