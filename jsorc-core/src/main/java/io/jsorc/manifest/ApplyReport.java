package io.jsorc.manifest;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What applying a manifest did, per resource. A failure on one resource does not stop the others; nothing is
 * reported as done that was not.
 *
 * @param key     the manifest key (or a description of what was loaded)
 * @param entries one per resource, in apply order
 */
public record ApplyReport(String key, List<Entry> entries) {

    /** Copies the entries. */
    public ApplyReport {
        entries = List.copyOf(entries);
    }

    /** What happened to one resource. */
    public enum Action {
        /** It did not exist and was created. */
        CREATED,
        /** It existed with another {@code config_version} and was updated. */
        UPDATED,
        /** It existed with the same {@code config_version}: nothing sent. */
        UNCHANGED,
        /** It was applied before, is gone from the manifest, and was deleted. */
        DELETED,
        /** It holds data, is gone from the manifest, and was kept: the manifest lacks the unsafe paraphrase. */
        KEPT_PROTECTED,
        /** The API server refused or did not answer; see the error. */
        FAILED
    }

    /**
     * One resource the apply touched, and what happened to it.
     *
     * @param apiVersion the resource's apiVersion
     * @param kind       its kind
     * @param namespace  its namespace, or {@code null} when cluster-scoped
     * @param name       its name
     * @param action     what happened
     * @param error      the API error when FAILED, the reason when KEPT_PROTECTED, else {@code null}
     */
    public record Entry(String apiVersion, String kind, String namespace, String name, Action action, String error) {

        /** {@return {@code Kind namespace/name}} */
        public String resource() {
            return kind + " " + (namespace == null ? "" : namespace + "/") + name;
        }
    }

    /** {@return whether no resource failed} */
    public boolean ok() {
        return entries.stream().noneMatch(e -> e.action() == Action.FAILED);
    }

    /** {@return the entries that failed} */
    public List<Entry> failed() {
        return entries.stream().filter(e -> e.action() == Action.FAILED).toList();
    }

    /**
     * Finds the entry of one resource.
     *
     * @param kind a kind
     * @param name a name
     * @return the entry of that resource, if the apply touched it
     */
    public java.util.Optional<Entry> entry(String kind, String name) {
        return entries.stream().filter(e -> e.kind().equals(kind) && e.name().equals(name)).findFirst();
    }

    /** {@return how many resources got each action} */
    public Map<Action, Integer> counts() {
        Map<Action, Integer> counts = new EnumMap<>(Action.class);
        entries.forEach(e -> counts.merge(e.action(), 1, Integer::sum));
        return counts;
    }

    @Override
    public String toString() {
        List<String> failures = new ArrayList<>();
        failed().forEach(e -> failures.add(e.resource() + ": " + e.error()));
        return "ApplyReport[" + key + " " + counts() + (failures.isEmpty() ? "" : " failed " + failures) + "]";
    }
}
