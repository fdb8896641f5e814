package io.jsorc.base;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.Map;

/** JsOrc's one Jackson mapper and the JSON checks the config store needs. */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // Config carries more than one consumer reads: binding to a record takes the fields it knows.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // Instants and durations (in status records) as ISO-8601 text, without the JSR-310 module.
            .addModule(new com.fasterxml.jackson.databind.module.SimpleModule("jsorc-time")
                    .addSerializer(java.time.Instant.class,
                            com.fasterxml.jackson.databind.ser.std.ToStringSerializer.instance)
                    .addSerializer(java.time.Duration.class,
                            com.fasterxml.jackson.databind.ser.std.ToStringSerializer.instance))
            .build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private Json() {
    }

    /** {@return the shared, thread-safe mapper} */
    public static ObjectMapper mapper() {
        return MAPPER;
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
    public static Map<String, Object> parseObject(String json, String what) {
        JsonNode node = parse(json, what);
        if (!node.isObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object, but is a JSON " + typeOf(node)
                    + ": " + abbreviate(json));
        }
        return MAPPER.convertValue(node, MAP);
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
        return MAPPER.convertValue(parse(json, what), Object.class);
    }

    /**
     * Writes a value as compact JSON.
     *
     * @param value a JSON-compatible value
     * @return its compact JSON text
     */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode parse(String json, String what) {
        if (json == null) {
            throw new IllegalArgumentException(what + " is null; a JSON text is required");
        }
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException(what + " is empty; a JSON text is required");
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String position = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new IllegalArgumentException(what + " is not valid JSON" + position + ": " + e.getOriginalMessage(), e);
        }
    }

    private static String typeOf(JsonNode node) {
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
