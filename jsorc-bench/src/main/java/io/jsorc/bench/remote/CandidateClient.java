package io.jsorc.bench.remote;

import java.util.Map;

/** A candidate HTTP client for remote action calls: sends the wire form, returns the result. */
public interface CandidateClient extends AutoCloseable {

    /**
     * Calls {@code POST /<action>}.
     *
     * @param action the action
     * @param wire   the wire form of its arguments
     * @return the result
     * @throws Exception when the call fails
     */
    Object call(String action, Map<String, Object> wire) throws Exception;

    /**
     * Builds a candidate by name.
     *
     * @param name  {@code jdk} or {@code jetty}
     * @param url   the server's base URL
     * @param token the call token
     * @return the client
     * @throws Exception when it cannot start
     */
    static CandidateClient of(String name, String url, String token) throws Exception {
        return switch (name) {
            case "jdk" -> new JdkCandidateClient(url, token);
            case "jetty" -> new JettyCandidateClient(url, token);
            default -> throw new IllegalArgumentException("No client candidate '" + name + "'; jdk or jetty");
        };
    }
}
