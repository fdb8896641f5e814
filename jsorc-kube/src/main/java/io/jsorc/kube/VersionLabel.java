package io.jsorc.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jsorc.base.Json;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The label {@value ResourceSync#VERSION_LABEL}: a hash of a document's resolved content, which the applier compares
 * with the live object's label to skip unchanged resources, and a follower compares to tell whether the leader
 * applied its manifest's version yet.
 */
final class VersionLabel {

    /** Keys sorted, so two replicas that built the same document in another order compute the same hash. */
    private static final ObjectMapper CANONICAL = Json.mapper().copy()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private VersionLabel() {
    }

    /** {@return the hash of a document's content without the version label (16 hex digits)} */
    static String hash(Map<String, Object> document) {
        Map<String, Object> copy = Json.parseObject(Json.write(document), "document");
        if (copy.get("metadata") instanceof Map<?, ?> metadata && metadata.get("labels") instanceof Map<?, ?> labels) {
            labels.remove(ResourceSync.VERSION_LABEL);
            if (labels.isEmpty()) {
                metadata.remove("labels");
            }
        }
        try {
            byte[] canonical = CANONICAL.writeValueAsString(copy).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical)).substring(0, 16);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot hash a manifest document", e);
        }
    }

    /** Sets a document's version label to the hash of its content (the labels map is copied, never shared). */
    @SuppressWarnings("unchecked")
    static void stamp(Map<String, Object> document) {
        String version = hash(document);
        Map<String, Object> metadata = (Map<String, Object>) document.get("metadata");
        Object labels = metadata.get("labels");
        Map<String, Object> copy = labels instanceof Map<?, ?> map ? new LinkedHashMap<>((Map<String, Object>) map)
                : new LinkedHashMap<>();
        copy.put(ResourceSync.VERSION_LABEL, version);
        metadata.put("labels", copy);
    }

    /** {@return the version label of a live object, or {@code null} when it has none} */
    static String of(Map<String, Object> object) {
        Object labels = Documents.path(object, "metadata", "labels");
        return labels instanceof Map<?, ?> map && map.get(ResourceSync.VERSION_LABEL) != null
                ? String.valueOf(map.get(ResourceSync.VERSION_LABEL)) : null;
    }
}
