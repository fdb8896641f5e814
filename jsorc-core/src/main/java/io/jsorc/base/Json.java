package io.jsorc.base;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * JsOrc's one Jackson mapper and the JSON checks the config store needs.
 *
 * <p>Startup: parsing, writing and binding plain values (what configs are) take jackson-core's streaming parser, a
 * writer of their own and a record binder of their own, so an orchestrator's build and start create no
 * {@link ObjectMapper} (about 650 classes in a fresh JVM) unless something needs it: anything else (a type with Jackson
 * annotations, a value that needs a coercion, a non-plain value) goes to the mapper, created on first use. Every path
 * gives what the mapper would.
 */
public final class Json {

    private static final JsonFactory FACTORY = new JsonFactory();

    /** The mapper, created on first use (a holder class). */
    private static final class Holder {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                // Config carries more than one consumer reads: binding to a record takes the fields it knows.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // Instants and durations (in status records) as ISO-8601 text, without the JSR-310 module.
                .addModule(new com.fasterxml.jackson.databind.module.SimpleModule("jsorc-time")
                        .addSerializer(java.time.Instant.class,
                                com.fasterxml.jackson.databind.ser.std.ToStringSerializer.instance)
                        .addSerializer(java.time.Duration.class,
                                com.fasterxml.jackson.databind.ser.std.ToStringSerializer.instance))
                .build();
    }

    private Json() {
    }

    /** {@return the shared, thread-safe mapper} */
    public static ObjectMapper mapper() {
        return Holder.MAPPER;
    }

    /**
     * Parses JSON text that must be an object.
     *
     * @param json the text
     * @param what what it is, for the message ({@code "config REDIS_CONFIG"})
     * @return the object as an ordered map
     * @throws IllegalArgumentException naming {@code what}, the parse problem and its position, or that it is not an
     *                                  object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String json, String what) {
        Parsed parsed = parse(json, what);
        if (parsed.first() != JsonToken.START_OBJECT) {
            // The text is not repeated: a config value may hold a secret.
            throw new IllegalArgumentException(what + " must be a JSON object, but is a JSON " + typeOf(parsed.first()));
        }
        return (Map<String, Object>) parsed.value();
    }

    /**
     * Parses any JSON value.
     *
     * @param json the text
     * @param what what it is, for the message
     * @return the value: a map, list, string, number, boolean or {@code null}
     * @throws IllegalArgumentException naming {@code what}, the parse problem and its position
     */
    public static Object parseValue(String json, String what) {
        return parse(json, what).value();
    }

    /**
     * Writes a value as compact JSON.
     *
     * @param value a JSON-compatible value
     * @return its compact JSON text
     */
    public static String write(Object value) {
        StringBuilder plain = new StringBuilder();
        if (writePlain(value, plain)) {
            return plain.toString();
        }
        try {
            return mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Binds a value (a map of plain values, as a config) to a type, as {@code mapper().convertValue(value, type)} does,
     * through a tree instead of Jackson's serializers when the value is plain.
     *
     * @param value the value
     * @param type  the type
     * @param <T>   the type
     * @return the bound value
     * @throws IllegalArgumentException when the value does not fit the type
     */
    public static <T> T bind(Object value, Class<T> type) {
        if (value instanceof Map<?, ?> map) {
            T bound = PlainRecords.bind(map, type);
            if (bound != null) {
                return bound;
            }
        }
        JsonNode tree = tree(value);
        if (tree == null) {
            return mapper().convertValue(value, type);
        }
        try {
            return mapper().treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A plain value as a tree; {@code null} when it holds anything else (then Jackson converts it). */
    private static JsonNode tree(Object value) {
        com.fasterxml.jackson.databind.node.JsonNodeFactory nodes = mapper().getNodeFactory();
        if (value == null) {
            return nodes.nullNode();
        } else if (value instanceof String text) {
            return nodes.textNode(text);
        } else if (value instanceof Boolean flag) {
            return nodes.booleanNode(flag);
        } else if (value instanceof Integer number) {
            return nodes.numberNode(number);
        } else if (value instanceof Long number) {
            return nodes.numberNode(number);
        } else if (value instanceof Double number) {
            return nodes.numberNode(number);
        } else if (value instanceof java.math.BigInteger number) {
            return nodes.numberNode(number);
        } else if (value instanceof Map<?, ?> map) {
            com.fasterxml.jackson.databind.node.ObjectNode object = nodes.objectNode();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                JsonNode child = entry.getKey() instanceof String key ? tree(entry.getValue()) : null;
                if (child == null) {
                    return null;
                }
                object.set((String) entry.getKey(), child);
            }
            return object;
        } else if (value instanceof java.util.List<?> list) {
            com.fasterxml.jackson.databind.node.ArrayNode array = nodes.arrayNode(list.size());
            for (Object element : list) {
                JsonNode child = tree(element);
                if (child == null) {
                    return null;
                }
                array.add(child);
            }
            return array;
        }
        return null;
    }

    /**
     * Writes a plain value (maps with text keys, lists, text, booleans, whole numbers, finite doubles, null) exactly
     * as Jackson writes it, without loading Jackson's serializers; false (and {@code out} unusable) for anything else.
     */
    private static boolean writePlain(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            quote(text, out);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof java.math.BigInteger) {
            out.append(value);
        } else if (value instanceof Double number) {
            if (number.isNaN() || number.isInfinite()) {
                return false;
            }
            out.append(number.doubleValue());
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    return false;
                }
                if (!first) {
                    out.append(',');
                }
                first = false;
                quote(key, out);
                out.append(':');
                if (!writePlain(entry.getValue(), out)) {
                    return false;
                }
            }
            out.append('}');
        } else if (value instanceof java.util.List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                if (!writePlain(list.get(i), out)) {
                    return false;
                }
            }
            out.append(']');
        } else {
            return false;
        }
        return true;
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** Jackson's default escaping: quote, backslash and control characters; nothing else. */
    private static void quote(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private record Parsed(JsonToken first, Object value) { }

    /**
     * Reads the one JSON value the text holds. Text after it (other than white space) is refused, not ignored as the
     * mapper's {@code readTree} does: {@code {"a":1}, "b":2}} would otherwise be stored as {@code {"a":1}} and
     * reported as written.
     */
    private static Parsed parse(String json, String what) {
        if (json == null) {
            throw new IllegalArgumentException(what + " is null; a JSON text is required");
        }
        try (JsonParser parser = FACTORY.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new IllegalArgumentException(what + " is empty; a JSON text is required");
            }
            Object value = read(parser, first);
            if (!endsAfterValue(parser)) {
                throw new IllegalArgumentException(what + " is not valid JSON" + position(parser.currentLocation())
                        + ": text follows its value; one JSON value is allowed");
            }
            return new Parsed(first, value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON" + position(e.getLocation()) + ": "
                    + withoutInput(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The value at the current token, as the mapper's tree gives it through {@code convertValue(node, Map)}:
     * ordered maps (a repeated key keeps its first place, the last value), lists, strings, Integer / Long /
     * BigInteger, Double, booleans, nulls.
     */
    private static Object read(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT: {
                Map<String, Object> object = new java.util.LinkedHashMap<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
                    String name = parser.currentName();
                    object.put(name, read(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY: {
                java.util.List<Object> list = new java.util.ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    list.add(read(parser, next));
                }
                return list;
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return switch (parser.getNumberType()) {
                    case INT -> parser.getIntValue();
                    case LONG -> parser.getLongValue();
                    default -> parser.getBigIntegerValue();
                };
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new JsonParseException(parser, "Unexpected token " + token);
        }
    }

    private static String typeOf(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** Whether nothing but white space follows the value just read; whatever follows is not parsed further. */
    private static boolean endsAfterValue(JsonParser parser) throws IOException {
        try {
            return parser.nextToken() == null;
        } catch (JsonProcessingException e) {
            return false; // text that is not even a token: the same mistake
        }
    }

    private static String position(JsonLocation at) {
        return at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /**
     * Jackson's message without the input it quotes ({@code Unrecognized token 'hunter2'}, {@code Numeric value
     * (...)}): a config value may be a secret, and the position already says where to look. The literals Jackson
     * names as expected ({@code 'null'}, {@code 'true'}, {@code 'false'}) stay.
     */
    static String withoutInput(String message) {
        if (message == null) {
            return "";
        }
        return InputInMessages.QUOTED.matcher(InputInMessages.NUMBER.matcher(message).replaceAll("Numeric value"))
                .replaceAll(quoted -> InputInMessages.LITERALS.contains(quoted.group(1)) ? quoted.group() : "'…'");
    }

    /** Compiled on the first parse error, not by every start that reads a config. */
    private static final class InputInMessages {
        static final Pattern QUOTED = Pattern.compile("'([^'\\s]{2,})'"); // Jackson's tokens hold no white space
        static final Pattern NUMBER = Pattern.compile("Numeric value \\([^)]*\\)");
        static final Set<String> LITERALS = Set.of("null", "true", "false");
    }
}
