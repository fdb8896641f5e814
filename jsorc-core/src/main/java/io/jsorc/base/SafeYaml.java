package io.jsorc.base;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The one way JsOrc reads YAML: plain data only (no tags that build objects), and bounded, so that a small document
 * cannot exhaust the heap — an alias bomb of a few hundred bytes expands to billions of nodes without a limit.
 */
public final class SafeYaml {

    /** Aliases of collections one document may use ({@code &a [*b, *b]} expands; more than this is refused). */
    public static final int MAX_ALIASES_FOR_COLLECTIONS = 10;
    /** Code points one document may have: 4 MiB. */
    public static final int MAX_CODE_POINTS = 4 * 1024 * 1024;
    /** How deep collections may nest. */
    public static final int MAX_NESTING_DEPTH = 100;
    /** What an error message says the limits are. */
    public static final String LIMITS = "JsOrc reads YAML with at most " + MAX_ALIASES_FOR_COLLECTIONS
            + " aliases of collections, " + MAX_CODE_POINTS / (1024 * 1024) + " MiB and " + MAX_NESTING_DEPTH
            + " levels of nesting per document";

    private SafeYaml() {
    }

    /**
     * Returns a new parser with JsOrc's limits (SnakeYAML parsers are not thread-safe: one per use).
     *
     * @return the parser
     */
    public static Yaml parser() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES_FOR_COLLECTIONS);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setAllowRecursiveKeys(false);
        return new Yaml(new SafeConstructor(options));
    }
}
