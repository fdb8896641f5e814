package io.jsorc.action.policy;

import io.jsorc.base.Json;
import io.jsorc.config.Durability;
import io.jsorc.config.Hook;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Where the replicas of one host share placement: the config store entry {@value #KEY}, written by the leader's
 * policy and read by the followers, which route calls as published. It holds the policy chosen on any replica
 * ({@code policy: {name, params, seq}}: the leader runs it) and the placements the leader applied last
 * ({@code placements: {module: LOCAL | REMOTE}}, with {@code leader} and its {@code term}).
 *
 * <p>Only names of modules and modes are stored here, never a token or a config value. The number of modules is
 * bounded ({@value #MAX_MODULES}): a placement of more is refused rather than cut.
 *
 * <p>Internal to the action manager; public only so that {@code io.jsorc.action} can use it.
 */
public final class PlacementBoard {

    /** The config store entry. */
    public static final String KEY = "ACTION_PLACEMENTS";
    /** At most this many modules are published. */
    public static final int MAX_MODULES = 1024;

    /**
     * What the board holds.
     *
     * @param policyName   the policy chosen last ({@code Default} when none was)
     * @param policyParams its parameters as given
     * @param policySeq    counts the choices, so a replica sees a new choice of the same policy
     * @param placements   module to {@code LOCAL} or {@code REMOTE}, as the leader applied them
     * @param leader       who published the placements, or {@code null}
     * @param term         the leader's fencing token when it published
     */
    public record Published(String policyName, Map<String, Object> policyParams, long policySeq,
                            Map<String, String> placements, String leader, long term) {

        /** Copies (a parameter may be JSON {@code null}, as a policy choice may give it). */
        public Published {
            policyParams = Collections.unmodifiableMap(new LinkedHashMap<>(policyParams));
            placements = Map.copyOf(placements);
        }
    }

    /** The board's text as last read, and what it says: followers and the leader read it every loop. */
    private record Parsed(String json, Published board) { }

    private final Supplier<Hook> hook;
    private volatile Parsed last;

    /**
     * Builds a board over a config store backend.
     *
     * @param hook gives the backend (looked up on each use: the orchestrator's hook)
     */
    public PlacementBoard(Supplier<Hook> hook) {
        this.hook = Objects.requireNonNull(hook, "hook");
    }

    /**
     * Reads the board.
     *
     * @return what it holds; empty when nothing was published yet
     */
    public Optional<Published> read() {
        return hook.get().getGlob(KEY).map(json -> {
            Parsed seen = last;
            if (seen == null || !seen.json().equals(json)) { // parsed again only when it changed
                seen = new Parsed(json, parse(Json.parseObject(json, KEY)));
                last = seen;
            }
            return seen.board();
        });
    }

    /**
     * Publishes a policy choice, for the leader to run.
     *
     * @param name   the policy's name
     * @param params its parameters
     * @return the choice's sequence number
     * @throws IllegalStateException when the backend could not store it (nothing changed then)
     */
    public long publishPolicy(String name, Map<String, Object> params) {
        long[] seq = new long[1];
        update(current -> {
            Map<String, Object> policy = new LinkedHashMap<>();
            policy.put("name", name);
            policy.put("params", params == null ? Map.of() : params);
            seq[0] = number(section(current, "policy").get("seq")) + 1;
            policy.put("seq", seq[0]);
            current.put("policy", policy);
        });
        return seq[0];
    }

    /**
     * Publishes the placements the leader applied.
     *
     * @param placements module to {@code LOCAL} or {@code REMOTE}
     * @param leader     the leader's identity
     * @param term       its fencing token
     * @throws IllegalArgumentException when there are more than {@value #MAX_MODULES} modules
     * @throws IllegalStateException    when the backend could not store it, or the board holds a later term than
     *                                  {@code term} (a newer leader published: nothing is stored)
     */
    public void publishPlacements(Map<String, String> placements, String leader, long term) {
        if (placements.size() > MAX_MODULES) {
            throw new IllegalArgumentException("Cannot publish the placements of " + placements.size()
                    + " action modules: at most " + MAX_MODULES);
        }
        update(current -> {
            long published = number(current.get("term"));
            if (published > term) {
                // Fenced: a leader of a later term published already; this one lost the lease while it worked.
                throw new IllegalStateException("Placements not published: the board holds term " + published
                        + ", newer than this replica's term " + term + "; it no longer leads");
            }
            current.put("placements", new TreeMap<>(placements));
            current.put("leader", leader);
            current.put("term", term);
            current.put("ts", System.currentTimeMillis());
        });
    }

    private void update(java.util.function.Consumer<Map<String, Object>> change) {
        hook.get().updateObject(KEY, change, Durability.REQUIRED);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> board, String name) {
        return board.get(name) instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static Published parse(Map<String, Object> board) {
        Map<String, Object> policy = section(board, "policy");
        Map<String, String> placements = new TreeMap<>();
        section(board, "placements").forEach((module, mode) -> {
            if ("LOCAL".equals(mode) || "REMOTE".equals(mode)) {
                placements.put(module, (String) mode);
            }
        });
        Object name = policy.get("name");
        return new Published(name instanceof String s ? s : "Default", section(policy, "params"),
                number(policy.get("seq")), placements, board.get("leader") instanceof String s ? s : null,
                number(board.get("term")));
    }
}
