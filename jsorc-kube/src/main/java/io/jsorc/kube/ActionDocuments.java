package io.jsorc.kube;

import io.jsorc.action.ActionConfig;
import io.jsorc.action.ActionServer;
import io.jsorc.base.SafeYaml;
import io.jsorc.cluster.ElectionSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds the Kubernetes documents of one remote action module as objects (maps), never by pasting values into YAML
 * text: a module class name, an image or a command with quotes, colons, braces or newlines stays one value.
 *
 * <p>The default documents: a ConfigMap (the module class), a Secret (the call token), a Deployment whose container
 * reads the token from that Secret, and a Service, all named {@code jsorc-action-<name>}
 * ({@code jsorc-action-<app>-<name>} for an app other than the default one). A {@code remote.manifest} template is parsed first and its placeholders ({@code {{name}}}, {@code {{module}}}, {@code {{image}}},
 * {@code {{token}}}, and {@code {{command}}} as a whole value) are then filled into the parsed string values; the
 * token's Secret ({@code jsorc-action-<name>-token}) is added when the template has none, since replicas that did
 * not apply the server read the token from it.
 */
final class ActionDocuments {

    /** A DNS-1123 label: what Kubernetes accepts as a Service name (the strictest of the names used here). */
    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final int MAX_LABEL = 63;
    private static final String PREFIX = "jsorc-action-";

    private ActionDocuments() {
    }

    /**
     * Names the objects of a module: {@code jsorc-action-<name>} for the default app, {@code jsorc-action-<app>-<name>}
     * for any other (two hosts sharing a namespace never share, overwrite or delete each other's servers), lower-cased,
     * {@code _} turned into {@code -}.
     *
     * @param app    the app's name ({@code leader_election.app}, {@code JSORC_APP}; a DNS label)
     * @param module the module name
     * @return the object name
     * @throws IllegalArgumentException when the result is not a DNS-1123 label
     */
    static String resourceName(String app, String module) {
        String prefix = PREFIX + (app == null || app.equals(ElectionSettings.DEFAULT_APP) ? "" : app + "-");
        String resource = prefix + module.toLowerCase(Locale.ROOT).replace('_', '-');
        if (resource.length() > MAX_LABEL || !DNS_1123_LABEL.matcher(resource).matches()) {
            throw new IllegalArgumentException("Action module name '" + module.replace("\n", "\\n")
                    + "' cannot name Kubernetes objects: '" + prefix + "<name>' must be a DNS-1123 label (lowercase "
                    + "letters, digits and '-', starting and ending with a letter or digit, at most " + MAX_LABEL
                    + " characters), so the name may hold letters, digits, '-' and '_' only and at most "
                    + Math.max(0, MAX_LABEL - prefix.length()) + " characters");
        }
        return resource;
    }

    /**
     * {@return the image a module's server runs when {@code remote.image} names none: {@code jsorc-action-<name>:latest},
     * whatever the app}
     *
     * @param module the module name
     */
    static String defaultImage(String module) {
        return resourceName(ElectionSettings.DEFAULT_APP, module) + ":latest";
    }

    /**
     * Names the Secret holding a module's call token.
     *
     * @param resource the object name from {@link #resourceName}
     * @return {@code <resource>-token}
     */
    static String tokenSecret(String resource) {
        return resource + "-token";
    }

    /**
     * Builds the documents to apply.
     *
     * @param resource the object name from {@link #resourceName}
     * @param config   the module's config
     * @param token    the call token
     * @return the documents, each with {@code apiVersion}, {@code kind} and {@code metadata.name}
     */
    static List<Map<String, Object>> of(String resource, ActionConfig config, String token) {
        return of(resource, resource + ":latest", config, token);
    }

    /**
     * Builds the documents to apply.
     *
     * @param resource     the object name from {@link #resourceName}
     * @param defaultImage the image when {@code remote.image} names none ({@link #defaultImage}: the same whatever
     *                     the app, so a module's image does not depend on which host runs it)
     * @param config       the module's config
     * @param token        the call token
     * @return the documents, each with {@code apiVersion}, {@code kind} and {@code metadata.name}
     */
    static List<Map<String, Object>> of(String resource, String defaultImage, ActionConfig config, String token) {
        String image = String.valueOf(config.remote().getOrDefault("image", defaultImage));
        List<Object> command = command(config);
        Object custom = config.remote().get("manifest");
        Map<String, Object> labels = Map.of("app", resource);
        String tokenSecret = tokenSecret(resource);
        Map<String, Object> secret = document("v1", "Secret", tokenSecret, labels, "stringData", Map.of("token", token));
        if (custom instanceof String yaml && !yaml.isBlank()) {
            List<Map<String, Object>> documents = fromTemplate(yaml, Map.of("name", resource, "module",
                    config.module(), "image", image, "token", token), command);
            // The token's Secret is where replicas that did not apply the server read the token from.
            if (documents.stream().noneMatch(d -> "Secret".equals(d.get("kind")) && d.get("metadata") instanceof Map<?, ?>
                    m && tokenSecret.equals(m.get("name")))) {
                documents.add(secret);
            }
            return documents;
        }
        List<Map<String, Object>> documents = new ArrayList<>();
        documents.add(document("v1", "ConfigMap", resource, labels, "data", Map.of("module", config.module())));
        documents.add(secret);
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "action");
        container.put("image", image);
        container.put("command", command);
        container.put("ports", List.of(Map.of("containerPort", 80)));
        container.put("readinessProbe", Map.of("httpGet", Map.of("path", "/healthz", "port", 80), "periodSeconds", 2));
        container.put("envFrom", List.of(Map.of("configMapRef", Map.of("name", resource))));
        container.put("env", List.of(
                // In the pod, not on a host: the Service reaches the pod's IP, never its loopback. The token below is
                // mandatory (ActionServer refuses a non-loopback address without one).
                Map.of("name", ActionServer.BIND_ENV, "value", "0.0.0.0"),
                Map.of("name", io.jsorc.action.ServerLimits.MAX_BODY_BYTES_ENV, "value",
                        String.valueOf(io.jsorc.action.ServerLimits.maxBodyBytes(config.remote()))),
                // The token only by reference: it is not in the pod spec, which more people can read than Secrets.
                Map.of("name", ActionServer.TOKEN_ENV, "valueFrom",
                        Map.of("secretKeyRef", Map.of("name", tokenSecret, "key", "token")))));
        Map<String, Object> deployment = new LinkedHashMap<>();
        deployment.put("replicas", 1);
        deployment.put("selector", Map.of("matchLabels", labels));
        // A new token changes the pod template (a hash of it, never the token), so the pods restart and read the
        // new Secret: the Deployment alone references the Secret, and a pod keeps the token it started with.
        deployment.put("template", Map.of("metadata", Map.of("labels", labels,
                        "annotations", Map.of(TOKEN_HASH_ANNOTATION, tokenHash(token))),
                "spec", Map.of("containers", List.of(container))));
        documents.add(document("apps/v1", "Deployment", resource, labels, "spec", deployment));
        documents.add(document("v1", "Service", resource, labels, "spec", Map.of("selector", labels,
                "ports", List.of(Map.of("port", 80, "targetPort", 80)))));
        return documents;
    }

    /** The pod template's annotation that changes with the call token. */
    static final String TOKEN_HASH_ANNOTATION = "jsorc.io/token-sha256";

    /** {@return the first 16 hex digits of the token's SHA-256: tells tokens apart, gives nothing of one away} */
    static String tokenHash(String token) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Map<String, Object> document(String apiVersion, String kind, String name, Map<String, Object> labels,
                                                String bodyKey, Map<String, Object> body) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("apiVersion", apiVersion);
        document.put("kind", kind);
        document.put("metadata", Map.of("name", name, "labels", labels));
        document.put(bodyKey, body);
        return document;
    }

    /** {@code remote.command} (a list), else {@code java -cp /app/* ActionServer <module> 80}. */
    private static List<Object> command(ActionConfig config) {
        Object custom = config.remote().get("command");
        if (custom == null) {
            return List.of("java", "-cp", "/app/*", ActionServer.class.getName(), config.module(), "80");
        }
        if (!(custom instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("remote.command of action module " + config.module()
                    + " must be a non-empty list of strings, is " + custom);
        }
        return list.stream().map(part -> (Object) String.valueOf(part)).toList();
    }

    /** Parses the template, then fills the placeholders into its string values (never into the text). */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> fromTemplate(String yaml, Map<String, String> values, List<Object> command) {
        List<Map<String, Object>> documents = new ArrayList<>();
        int index = 0;
        for (Object document : SafeYaml.parser().loadAll(yaml)) {
            index++;
            if (document == null) {
                continue;
            }
            if (!(document instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("remote.manifest document #" + index + " is not a mapping");
            }
            documents.add((Map<String, Object>) fill(document, values, command));
        }
        return documents;
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");

    private static Object fill(Object node, Map<String, String> values, List<Object> command) {
        String unquoted = unquotedPlaceholder(node);
        if (unquoted != null) {
            node = "{{" + unquoted + "}}";
        }
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> filled = new LinkedHashMap<>();
            map.forEach((key, value) -> filled.put(String.valueOf(key), fill(value, values, command)));
            return filled;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(item -> fill(item, values, command)).toList();
        }
        if (node instanceof String text) {
            if (text.equals("{{command}}")) {
                return command;
            }
            // One pass: a filled value is never scanned again, so an image holding "{{token}}" stays as it is.
            return PLACEHOLDER.matcher(text).replaceAll(match -> java.util.regex.Matcher.quoteReplacement(
                    values.getOrDefault(match.group(1), match.group())));
        }
        return node;
    }

    /**
     * An unquoted {@code {{x}}} in YAML is a flow mapping whose one key is the mapping {@code {x: null}}; templates
     * written for text pasting used it (the old default did, for {@code command}): {@code x}, else {@code null}.
     */
    private static String unquotedPlaceholder(Object node) {
        if (node instanceof Map<?, ?> outer && outer.size() == 1) {
            Map.Entry<?, ?> entry = outer.entrySet().iterator().next();
            if (entry.getValue() == null && entry.getKey() instanceof Map<?, ?> inner && inner.size() == 1) {
                Map.Entry<?, ?> name = inner.entrySet().iterator().next();
                if (name.getValue() == null && name.getKey() instanceof String key && key.matches("\\w+")) {
                    return key;
                }
            }
        }
        return null;
    }
}
