package io.jsorc.services.metrics;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL reading for the dashboard and rules tests: the metric names an expression selects and the label
 * names it groups or matches by. Not a parser: it relies on expressions being well formed, which the real
 * Prometheus checks separately by evaluating each one.
 */
final class PromQl {

    private static final Pattern STRINGS = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`");
    private static final Pattern BRACES = Pattern.compile("\\{[^}]*}");
    private static final Pattern BRACKETS = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    /** A number with an optional duration unit ({@code 5m}, {@code 0.99}, {@code 1e3}) or an identifier. */
    private static final Pattern TOKENS = Pattern.compile(
            "\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?[a-zA-Z]*|[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern MATCHER_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan",
            "by", "without", "on", "ignoring", "group_left", "group_right");

    private PromQl() {
    }

    /** {@return the metric (or recorded series) names the expression selects, in order of appearance} */
    static Set<String> metricNames(String expr) {
        String bare = GROUPING.matcher(BRACKETS.matcher(BRACES.matcher(withoutStrings(expr)).replaceAll(" "))
                .replaceAll(" ")).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher token = TOKENS.matcher(bare);
        while (token.find()) {
            String word = token.group();
            if (Character.isDigit(word.charAt(0)) || KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            int next = token.end();
            while (next < bare.length() && Character.isWhitespace(bare.charAt(next))) {
                next++;
            }
            if (next < bare.length() && bare.charAt(next) == '(') {
                continue; // a function or an aggregation, not a series
            }
            names.add(word);
        }
        return names;
    }

    /** {@return the label names the expression groups by ({@code by}, {@code on}, ...) or matches in selectors} */
    static Set<String> labelNames(String expr) {
        String noStrings = withoutStrings(expr);
        Set<String> labels = new LinkedHashSet<>();
        Matcher grouping = GROUPING.matcher(noStrings);
        while (grouping.find()) {
            for (String label : grouping.group(2).split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.strip());
                }
            }
        }
        Matcher braces = BRACES.matcher(noStrings);
        while (braces.find()) {
            Matcher label = MATCHER_LABEL.matcher(braces.group());
            while (label.find()) {
                labels.add(label.group(1));
            }
        }
        labels.remove("__name__");
        return labels;
    }

    private static String withoutStrings(String expr) {
        return STRINGS.matcher(expr).replaceAll("\"\"");
    }
}
