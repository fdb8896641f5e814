package io.jsorc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;

/** The CLI's one JSON mapper: request bodies, parsing answers and user-given JSON, and the indented output. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            // A body such as `{"a": 1} trailing` is not one JSON value: shown raw, not half-parsed.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Two-space indent, `"key": value` and one array element per line, as {@code jq} and Python's {@code json.dumps}
     * print: what an operator expects to read and diff. Jackson's default would print `"key" : value` and `[ 1, 2 ]`.
     */
    private static final ObjectWriter PRETTY;

    static {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""));
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        PRETTY = MAPPER.writer(printer);
    }

    private Json() {
    }

    /** A new empty object, the start of every request body. */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Compact JSON text of a request body. */
    static String compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // cannot happen for a tree of plain nodes
        }
    }

    /** Indented JSON text, without a trailing newline. */
    static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON value {@code text} holds, or empty when it is not exactly one JSON value (blank included). */
    static Optional<JsonNode> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /**
     * The JSON object a user gave as an option value.
     *
     * @throws IllegalArgumentException naming {@code option} and what is wrong, when {@code text} is not a JSON object
     */
    static ObjectNode parseObject(String text, String option) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(option + " must be a JSON object such as '{\"key\": 1}'; it is not JSON: "
                    + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            String kind = node == null || node.isMissingNode() ? "empty"
                    : "a JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT);
            throw new IllegalArgumentException(option + " must be a JSON object such as '{\"key\": 1}'; it is " + kind);
        }
        return (ObjectNode) node;
    }

    /** Puts {@code value} (a String, Boolean or Number) under {@code field} unless it is null: "only when given". */
    static void putIfGiven(ObjectNode body, String field, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof String text) {
            body.put(field, text);
        } else if (value instanceof Boolean flag) {
            body.put(field, flag);
        } else if (value instanceof Integer number) {
            body.put(field, number);
        } else if (value instanceof Long number) {
            body.put(field, number);
        } else {
            throw new IllegalArgumentException("no JSON mapping for " + value.getClass().getName());
        }
    }
}
