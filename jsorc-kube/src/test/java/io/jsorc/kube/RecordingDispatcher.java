package io.jsorc.kube;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Wraps the test API server's dispatcher and records every request it answers (when, method, path, user agent,
 * status), so tests count the writes each replica sent. Keeps the last {@value #CAPACITY} requests.
 */
final class RecordingDispatcher extends Dispatcher {

    static final int CAPACITY = 200_000;

    /**
     * One answered request.
     *
     * @param nanos     when it was answered ({@link System#nanoTime()})
     * @param method    the HTTP method
     * @param path      the request path
     * @param userAgent the client's User-Agent header
     * @param status    the answer's status code
     */
    record Request(long nanos, String method, String path, String userAgent, int status) {

        /** {@return whether it asked to change something} */
        boolean isWrite() {
            return switch (method.toUpperCase(Locale.ROOT)) {
                case "POST", "PUT", "PATCH", "DELETE" -> true;
                default -> false;
            };
        }

        /** {@return whether it concerns a Lease} */
        boolean isLease() {
            return path.contains("/leases");
        }

        /** {@return whether it is a write to anything but a Lease (a manifest write)} */
        boolean isManifestWrite() {
            return isWrite() && !isLease();
        }
    }

    private final Dispatcher delegate;
    private final Deque<Request> requests = new ArrayDeque<>();

    RecordingDispatcher(Dispatcher delegate) {
        this.delegate = delegate;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        MockResponse response = injectedFault(request);
        if (response == null) {
            response = delegate.dispatch(request);
        }
        String agent = request.getHeader("User-Agent");
        Request seen = new Request(System.nanoTime(), request.getMethod(), request.getPath(),
                agent == null ? "" : agent, statusOf(response));
        synchronized (requests) {
            if (requests.size() == CAPACITY) {
                requests.removeFirst();
            }
            requests.addLast(seen);
        }
        return response;
    }

    /** Requests still to be answered with an error instead of the API server's answer, and which. */
    private record Fault(Predicate<Request> matching, int status, int[] left) {
    }

    private volatile Fault fault;

    /**
     * Answers the next {@code times} requests that match with {@code status} (a Status body) instead of the API
     * server's answer, as a server whose webhook timed out or whose etcd is unavailable would.
     */
    void failNext(Predicate<Request> matching, int status, int times) {
        fault = new Fault(matching, status, new int[]{times});
    }

    private MockResponse injectedFault(RecordedRequest request) {
        Fault current = fault;
        if (current == null) {
            return null;
        }
        Request seen = new Request(System.nanoTime(), request.getMethod(), request.getPath(), "", 0);
        synchronized (current) {
            if (current.left()[0] <= 0 || !current.matching().test(seen)) {
                return null;
            }
            current.left()[0]--;
        }
        return new MockResponse().setResponseCode(current.status()).setBody("{\"kind\": \"Status\", \"apiVersion\": "
                + "\"v1\", \"status\": \"Failure\", \"message\": \"injected by the test\", \"code\": "
                + current.status() + "}");
    }

    private static int statusOf(MockResponse response) {
        try {
            return response.code();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** {@return the recorded requests that match, oldest first} */
    List<Request> requests(Predicate<Request> filter) {
        synchronized (requests) {
            List<Request> out = new ArrayList<>();
            for (Request request : requests) {
                if (filter.test(request)) {
                    out.add(request);
                }
            }
            return out;
        }
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }
}
