package io.jsorc.manifest;

import io.jsorc.base.Json;
import io.jsorc.base.SafeYaml;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes documents of one manifest key, grouped by {@code kind} then {@code metadata.name}. Immutable.
 *
 * <p>Stored form (JSON, in the config store): {@code {"Deployment": {"redis": {...}}, "Service": {...}}} plus, when
 * present, {@value #UNSAFE_PARAPHRASE_FIELD}: the phrase that allows deleting data-holding resources. The phrase is
 * taken out of the documents and served by {@link #unsafeParaphrase()}.
 */
public final class Manifest {

    /** Field of the stored form that carries the unsafe paraphrase. */
    public static final String UNSAFE_PARAPHRASE_FIELD = "__unsafe_paraphrase__";

    private static final Manifest EMPTY = new Manifest(Map.of(), null);

    private final Map<String, Map<String, Map<String, Object>>> resources;
    private final String unsafeParaphrase;

    private Manifest(Map<String, Map<String, Map<String, Object>>> resources, String unsafeParaphrase) {
        Map<String, Map<String, Map<String, Object>>> copy = new LinkedHashMap<>();
        resources.forEach((kind, byName) -> copy.put(kind, Collections.unmodifiableMap(new LinkedHashMap<>(byName))));
        this.resources = Collections.unmodifiableMap(copy);
        this.unsafeParaphrase = unsafeParaphrase;
    }

    /** {@return a manifest with no documents} */
    public static Manifest empty() {
        return EMPTY;
    }

    /**
     * Parses multi-document YAML ({@code ---} separated). Empty documents are skipped.
     *
     * @param yaml the text
     * @return the manifest
     * @throws IllegalArgumentException when the YAML does not parse, or a document is not a mapping or lacks
     *                                  {@code kind} or {@code metadata.name} (the document is named by position)
     */
    public static Manifest parseYaml(String yaml) {
        List<Map<String, Object>> documents = new ArrayList<>();
        try {
            Yaml parser = SafeYaml.parser();
            int index = 0;
            for (Object document : parser.loadAll(yaml)) {
                index++;
                if (document == null) {
                    continue;
                }
                if (!(document instanceof Map<?, ?> map)) {
                    throw new IllegalArgumentException("Manifest document #" + index + " is not a mapping");
                }
                documents.add(stringKeys(map));
            }
        } catch (YAMLException e) {
            throw new IllegalArgumentException("Manifest YAML does not parse: " + e.getMessage() + " ("
                    + SafeYaml.LIMITS + ")", e);
        }
        return ofDocuments(documents, null);
    }

    /**
     * Parses a manifest an operator hands in and checks it can be applied: the YAML parses, it holds at least one
     * document, and every document has an {@code apiVersion}.
     *
     * @param yaml multi-document YAML
     * @return the manifest
     * @throws IllegalArgumentException naming the document and the problem
     */
    public static Manifest validated(String yaml) {
        if (yaml == null || yaml.isBlank()) {
            throw new IllegalArgumentException("The manifest YAML is empty");
        }
        Manifest manifest = parseYaml(yaml);
        int index = 0;
        for (Object document : SafeYaml.parser().loadAll(yaml)) {
            index++;
            if (document instanceof Map<?, ?> map && !(map.get("apiVersion") instanceof String)) {
                throw new IllegalArgumentException("Manifest document #" + index + " (kind " + map.get("kind")
                        + ") has no apiVersion");
            }
        }
        if (manifest.isEmpty()) {
            throw new IllegalArgumentException("The manifest YAML holds no document");
        }
        return manifest;
    }

    /**
     * Builds a manifest from Kubernetes documents, grouped by kind and name.
     *
     * @param documents        Kubernetes documents (each with {@code kind} and {@code metadata.name})
     * @param unsafeParaphrase the paraphrase, or {@code null}
     * @return the manifest
     * @throws IllegalArgumentException when a document lacks {@code kind} or {@code metadata.name}, or two documents
     *                                  share kind and name
     */
    public static Manifest ofDocuments(List<Map<String, Object>> documents, String unsafeParaphrase) {
        Map<String, Map<String, Map<String, Object>>> grouped = new LinkedHashMap<>();
        int index = 0;
        for (Map<String, Object> document : documents) {
            index++;
            String kind = stringField(document, "kind", index);
            Object metadata = document.get("metadata");
            if (!(metadata instanceof Map<?, ?> meta) || !(meta.get("name") instanceof String name) || name.isBlank()) {
                throw new IllegalArgumentException("Manifest document #" + index + " (kind " + kind
                        + ") has no metadata.name");
            }
            Map<String, Object> previous = grouped.computeIfAbsent(kind, k -> new LinkedHashMap<>())
                    .put(name, deepCopy(document));
            if (previous != null) {
                throw new IllegalArgumentException("Manifest document #" + index + ": " + kind + " '" + name
                        + "' appears twice");
            }
        }
        return new Manifest(grouped, unsafeParaphrase);
    }

    /**
     * Reads a manifest from its stored form.
     *
     * @param stored the stored form (kind -> name -> document, and optionally the paraphrase field)
     * @return the manifest
     * @throws IllegalArgumentException when the form is not kind -> name -> document
     */
    public static Manifest fromMap(Map<String, Object> stored) {
        List<Map<String, Object>> documents = new ArrayList<>();
        String paraphrase = null;
        for (Map.Entry<String, Object> entry : stored.entrySet()) {
            if (UNSAFE_PARAPHRASE_FIELD.equals(entry.getKey())) {
                paraphrase = entry.getValue() == null ? null : String.valueOf(entry.getValue());
                continue;
            }
            if (!(entry.getValue() instanceof Map<?, ?> byName)) {
                throw new IllegalArgumentException("Manifest kind '" + entry.getKey()
                        + "' must map resource names to documents");
            }
            for (Object document : byName.values()) {
                if (!(document instanceof Map<?, ?> map)) {
                    throw new IllegalArgumentException("Manifest kind '" + entry.getKey()
                            + "' holds a document that is not an object");
                }
                documents.add(stringKeys(map));
            }
        }
        return ofDocuments(documents, paraphrase);
    }

    /** {@return the stored form: kind -> name -> document, plus the paraphrase field when set} */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        resources.forEach((kind, byName) -> {
            Map<String, Object> names = new LinkedHashMap<>();
            byName.forEach((name, document) -> names.put(name, deepCopy(document)));
            out.put(kind, names);
        });
        if (unsafeParaphrase != null) {
            out.put(UNSAFE_PARAPHRASE_FIELD, unsafeParaphrase);
        }
        return out;
    }

    /** {@return the stored form as JSON} */
    public String toJson() {
        return Json.write(toMap());
    }

    /** {@return kind -> name -> document (read-only views; copy a document before changing it)} */
    public Map<String, Map<String, Map<String, Object>>> resources() {
        return resources;
    }

    /** {@return every document, in manifest order (copies)} */
    public List<Map<String, Object>> documents() {
        List<Map<String, Object>> out = new ArrayList<>();
        resources.values().forEach(byName -> byName.values().forEach(d -> out.add(deepCopy(d))));
        return out;
    }

    /**
     * Finds one document by kind and name.
     *
     * @param kind the kind
     * @param name the metadata.name
     * @return a copy of that document, if present
     */
    public Optional<Map<String, Object>> document(String kind, String name) {
        Map<String, Object> document = resources.getOrDefault(kind, Map.of()).get(name);
        return Optional.ofNullable(document).map(Manifest::deepCopy);
    }

    /** {@return the phrase that allows deleting data-holding resources, if the manifest carries one} */
    public Optional<String> unsafeParaphrase() {
        return Optional.ofNullable(unsafeParaphrase);
    }

    /**
     * Returns a copy of this manifest that carries another unsafe paraphrase.
     *
     * @param paraphrase the new paraphrase, or {@code null} for none
     * @return a copy carrying it
     */
    public Manifest withUnsafeParaphrase(String paraphrase) {
        return new Manifest(resources, paraphrase);
    }

    /** {@return whether there are no documents} */
    public boolean isEmpty() {
        return resources.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Manifest that && resources.equals(that.resources)
                && java.util.Objects.equals(unsafeParaphrase, that.unsafeParaphrase);
    }

    @Override
    public int hashCode() {
        return resources.hashCode() * 31 + java.util.Objects.hashCode(unsafeParaphrase);
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        resources.forEach((kind, byName) -> byName.keySet().forEach(name -> names.add(kind + "/" + name)));
        return "Manifest" + names;
    }

    private static String stringField(Map<String, Object> document, String field, int index) {
        if (!(document.get(field) instanceof String value) || value.isBlank()) {
            throw new IllegalArgumentException("Manifest document #" + index + " has no " + field);
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> document) {
        return (Map<String, Object>) copyValue(document);
    }

    private static Object copyValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), copyValue(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(copyValue(v)));
            return copy;
        }
        return value;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) copyValue(map);
        return copy;
    }
}
