package io.jsorc.kube;

import io.jsorc.manifest.Manifest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a stored manifest into the documents to apply.
 *
 * <p>Namespaces: a namespaced resource goes to the kube namespace, unless its own namespace starts with
 * {@value #DEDICATED_PREFIX}; the environment variable {@code <SERVICE>_NAMESPACE} set to {@code SOURCE} keeps the
 * manifest's own namespace, set to anything else puts the resource there. Cluster-scoped resources carry no
 * namespace.
 *
 * <p>Placeholders {@code $j{Kind["name"].path.to.field}} in keys and string values resolve against the manifest
 * itself (after the namespace rules): a value that is exactly one placeholder becomes the referenced value, one inside
 * a longer string is substituted as text. List elements are addressed by index ({@code .subjects.0.name}). An
 * unresolvable placeholder is an error naming it.
 */
public final class ManifestResolver {

    /** Namespaces with this prefix are kept as the manifest gives them. */
    public static final String DEDICATED_PREFIX = "jsorc-dedicated";

    private static final Pattern PLACEHOLDER =
            Pattern.compile("\\$j\\{([A-Za-z][A-Za-z0-9]*)\\[\"([^\"]+)\"]((?:\\.[A-Za-z0-9_\\-]+)*)}");

    /**
     * How many nodes (maps, lists, values) one resolution may produce: placeholders that copy subtrees into each
     * other expand exponentially, and a manifest must not be able to exhaust the heap that way.
     */
    public static final int MAX_NODES = 200_000;

    private final KubeResources resources;
    private final Function<String, String> environment;

    /**
     * Creates a resolver; it reads {@code <SERVICE>_NAMESPACE} through {@code environment}.
     *
     * @param resources   where kinds are looked up (scope)
     * @param environment environment lookup (for {@code <SERVICE>_NAMESPACE})
     */
    public ManifestResolver(KubeResources resources, Function<String, String> environment) {
        this.resources = resources;
        this.environment = environment;
    }

    /**
     * Turns a manifest into the documents to apply: namespaces set, placeholders resolved.
     *
     * @param manifest  the manifest
     * @param service   the service it belongs to, or {@code null}
     * @param namespace the kube namespace
     * @return resolved copies of its documents, in manifest order
     * @throws IllegalArgumentException naming an unresolvable placeholder
     */
    public List<Map<String, Object>> resolve(Manifest manifest, String service, String namespace) {
        String override = service == null ? null
                : environment.apply(service.toUpperCase(Locale.ROOT).replace('-', '_') + "_NAMESPACE");
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Map<String, Object> document : manifest.documents()) {
            String apiVersion = String.valueOf(document.get("apiVersion"));
            String kind = String.valueOf(document.get("kind"));
            @SuppressWarnings("unchecked")
            Map<String, Object> metadata = (Map<String, Object>) document.get("metadata");
            if (resources.resource(apiVersion, kind).namespaced()) {
                Object own = metadata.get("namespace");
                String ownNamespace = own == null ? null : String.valueOf(own);
                String target;
                if (ownNamespace != null && ownNamespace.startsWith(DEDICATED_PREFIX)) {
                    target = ownNamespace;
                } else if ("SOURCE".equals(override)) {
                    target = ownNamespace != null ? ownNamespace : namespace;
                } else if (override != null && !override.isBlank()) {
                    target = override;
                } else {
                    target = namespace;
                }
                metadata.put("namespace", target);
            } else {
                metadata.remove("namespace");
            }
            documents.add(document);
        }
        int[] budget = {MAX_NODES};
        for (int pass = 0; pass < 10; pass++) {
            boolean[] changed = {false};
            List<Map<String, Object>> snapshot = documents;
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> document : documents) {
                @SuppressWarnings("unchecked")
                Object metadata = document.get("metadata");
                String where = document.get("kind") + " '" + (metadata instanceof Map<?, ?> meta ? meta.get("name")
                        : null) + "'";
                Map<String, Object> resolved = (Map<String, Object>) substitute(document, snapshot, changed, budget,
                        where);
                next.add(resolved);
            }
            documents = next;
            if (!changed[0]) {
                return documents;
            }
        }
        throw new IllegalArgumentException("Manifest placeholders refer to each other in a cycle");
    }

    /** {@code where} names the document and the field path, for messages: never the value (a Secret's data). */
    private Object substitute(Object value, List<Map<String, Object>> documents, boolean[] changed, int[] budget,
                              String where) {
        if (--budget[0] < 0) {
            throw new IllegalArgumentException("Manifest placeholders expand past the limit of " + MAX_NODES
                    + " nodes (ManifestResolver.MAX_NODES): $j{} copies of whole subtrees multiply at every level");
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                Object key = substitute(String.valueOf(k), documents, changed, budget, where + ", a key");
                copy.put(String.valueOf(key), substitute(v, documents, changed, budget, where + "." + k));
            });
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                copy.add(substitute(list.get(i), documents, changed, budget, where + "[" + i + "]"));
            }
            return copy;
        }
        if (value instanceof String text && text.contains("$j{")) {
            Matcher matcher = PLACEHOLDER.matcher(text);
            if (matcher.matches()) {
                changed[0] = true;
                return lookup(matcher, documents);
            }
            matcher.reset();
            StringBuilder out = new StringBuilder();
            boolean any = false;
            while (matcher.find()) {
                any = true;
                matcher.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(lookup(matcher, documents))));
            }
            matcher.appendTail(out);
            if (!any) {
                // The value is not repeated: it may be a Secret's.
                throw new IllegalArgumentException("Malformed manifest placeholder in " + where
                        + "; the form is $j{Kind[\"name\"].path.to.field}");
            }
            changed[0] = true;
            return out.toString();
        }
        return value;
    }

    private static Object lookup(Matcher matcher, List<Map<String, Object>> documents) {
        String kind = matcher.group(1);
        String name = matcher.group(2);
        String path = matcher.group(3);
        Object current = null;
        for (Map<String, Object> document : documents) {
            Object metadata = document.get("metadata");
            if (kind.equals(document.get("kind")) && metadata instanceof Map<?, ?> meta && name.equals(meta.get("name"))) {
                current = document;
                break;
            }
        }
        if (current == null) {
            throw new IllegalArgumentException("Placeholder " + matcher.group() + " refers to " + kind + " '" + name
                    + "', which is not in the manifest");
        }
        for (String field : path.isEmpty() ? new String[0] : path.substring(1).split("\\.")) {
            if (current instanceof Map<?, ?> map && map.containsKey(field)) {
                current = map.get(field);
            } else if (current instanceof List<?> list && field.chars().allMatch(Character::isDigit)
                    && Integer.parseInt(field) < list.size()) {
                current = list.get(Integer.parseInt(field));
            } else {
                throw new IllegalArgumentException("Placeholder " + matcher.group() + " cannot be resolved: " + kind
                        + " '" + name + "' has no field '" + field + "' on that path");
            }
        }
        return current;
    }
}
