package io.jsorc.admin;

import io.jsorc.action.ActionManager;

import java.time.Instant;
import java.util.Set;

/**
 * A load test a host registers for the {@code jsorc_loadtest} admin operation (found with
 * {@link java.util.ServiceLoader}): the action modules it needs and the requests it sends. The admin service places
 * the modules as the chosen policy says, records the request benchmark and the action tracking while
 * {@link #drive} runs, and answers both.
 *
 * <p>Research use: it runs on the admin service's own daemon, one at a time.
 */
public interface LoadTest {

    /** {@return the name operators pass as {@code test}} */
    String name();

    /**
     * Configures the modules the test calls ({@link ActionManager#config}); called before every run.
     *
     * @param actions the host's action manager
     * @return the names of the modules to place
     * @throws Exception when the modules cannot be configured
     */
    Set<String> prepare(ActionManager actions) throws Exception;

    /**
     * Sends requests until the deadline, each marked with {@link ActionManager#request(String, String)} so the
     * benchmark sees it. Returns when the deadline passed or when interrupted.
     *
     * @param actions  the host's action manager, its modules placed
     * @param deadline when to stop sending
     * @throws Exception when the test cannot go on
     */
    void drive(ActionManager actions, Instant deadline) throws Exception;
}
