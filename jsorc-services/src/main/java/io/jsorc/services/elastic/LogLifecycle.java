package io.jsorc.services.elastic;

import io.jsorc.base.Json;
import io.jsorc.services.elastic.ElasticClient.Distribution;
import io.jsorc.services.elastic.ElasticClient.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates, each only when missing, the lifecycle policy of the log data streams and their index template.
 *
 * <ul>
 *   <li>Elasticsearch: ILM policy {@value #POLICY} (hot: rollover at 1 GB or 7 days; delete 14 days after
 *       rollover), named by the template's {@code index.lifecycle.name} setting.</li>
 *   <li>OpenSearch: the ISM equivalent under the same id, attached to the data streams' backing indices by its
 *       {@code ism_template}. Without the index-management plugin there is no ISM API: the template is still made
 *       and the policy is reported {@link Outcome#UNAVAILABLE}, since failing the log shipping over retention would
 *       help nobody. Credentials that may not read the policy or the template (403: a key made only for shipping)
 *       get the same treatment.</li>
 *   <li>The composable index template {@value #TEMPLATE} with {@code data_stream: {}} for {@code <core>*} and
 *       {@code <app>*}, with keyword mappings for {@code level} and {@code logger}.</li>
 * </ul>
 *
 * <p>"Only when missing" holds across replicas too: the template is created with {@code ?create=true} and the ISM
 * policy with a plain PUT that fails on an existing id, so a replica that loses the race sees "exists", not an
 * overwrite. ILM has no create-only PUT; there a lost race rewrites the same policy.
 */
final class LogLifecycle {

    /** The lifecycle policy's id (ILM and ISM). */
    static final String POLICY = "jsorc-logs-ilm-policy";
    /** The index template's name. */
    static final String TEMPLATE = "jsorc-logs";

    /** What happened to one of the two. */
    enum Outcome {
        /** It was missing and is now created. */
        CREATED,
        /** It was there already (left as it is). */
        EXISTS,
        /** The server has no API for it (OpenSearch without ISM), or the credentials may not use it (403). */
        UNAVAILABLE
    }

    private LogLifecycle() {
    }

    /** {@return what happened, keyed {@code policy} and {@code template}} */
    static Map<String, Outcome> ensure(ElasticClient client, Distribution distribution, List<String> streams) {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        outcomes.put("policy", distribution == Distribution.OPENSEARCH ? ensureIsmPolicy(client, streams)
                : ensureIlmPolicy(client));
        outcomes.put("template", ensureTemplate(client, distribution, streams));
        return outcomes;
    }

    private static Outcome ensureIlmPolicy(ElasticClient client) {
        String path = "/_ilm/policy/" + POLICY;
        Response existing = client.request("GET", path, null);
        if (existing.ok()) {
            return Outcome.EXISTS;
        }
        if (existing.status() == 403) {
            return Outcome.UNAVAILABLE; // a shipping-only key (no manage_ilm): retention is someone else's job
        }
        if (existing.status() != 404) {
            throw ElasticClient.error("GET", path, existing);
        }
        client.expectOk("PUT", path, Json.write(ilmPolicy()));
        return Outcome.CREATED;
    }

    private static Outcome ensureIsmPolicy(ElasticClient client, List<String> streams) {
        String path = "/_plugins/_ism/policies/" + POLICY;
        Response existing = client.request("GET", path, null);
        if (existing.ok()) {
            return Outcome.EXISTS;
        }
        if (noHandler(existing) || existing.status() == 403) {
            return Outcome.UNAVAILABLE;
        }
        if (existing.status() != 404) {
            throw ElasticClient.error("GET", path, existing);
        }
        Response created = client.request("PUT", path, Json.write(ismPolicy(streams)));
        if (created.status() == 409) {
            return Outcome.EXISTS; // another replica was first
        }
        if (!created.ok()) {
            throw ElasticClient.error("PUT", path, created);
        }
        return Outcome.CREATED;
    }

    private static Outcome ensureTemplate(ElasticClient client, Distribution distribution, List<String> streams) {
        String path = "/_index_template/" + TEMPLATE;
        Response existing = client.request("GET", path, null);
        if (existing.ok()) {
            return Outcome.EXISTS;
        }
        if (existing.status() == 403) {
            return Outcome.UNAVAILABLE; // no manage_index_templates privilege
        }
        if (existing.status() != 404) {
            throw ElasticClient.error("GET", path, existing);
        }
        Response created = client.request("PUT", path + "?create=true", Json.write(template(distribution, streams)));
        if (created.ok()) {
            return Outcome.CREATED;
        }
        if (created.status() == 400 && created.body() != null && created.body().contains("already exists")) {
            return Outcome.EXISTS;
        }
        throw ElasticClient.error("PUT", path, created);
    }

    /** The server has no such endpoint (a plugin that is not installed): 400/404/405 "no handler found". */
    private static boolean noHandler(Response response) {
        if (response.status() != 400 && response.status() != 404 && response.status() != 405) {
            return false;
        }
        // Not a 404 of the plugin: with ISM installed but no policy yet, the answer is 404 index_not_found_exception
        // (its config index does not exist yet), which means "missing", not "unavailable".
        String body = response.body() == null ? "" : response.body();
        return body.contains("no handler found") || body.contains("Incorrect HTTP method");
    }

    static Map<String, Object> ilmPolicy() {
        return Map.of("policy", Map.of("phases", Map.of(
                "hot", Map.of("actions", Map.of("rollover", Map.of("max_size", "1gb", "max_age", "7d"))),
                "delete", Map.of("min_age", "14d", "actions", Map.of("delete", Map.of())))));
    }

    static Map<String, Object> ismPolicy(List<String> streams) {
        List<String> backing = streams.stream().map(s -> ".ds-" + s + "*").toList();
        return Map.of("policy", Map.of(
                "description", "JsOrc logs: rollover at 1 GB or 7 days, delete 14 days after rollover",
                "default_state", "hot",
                "states", List.of(
                        Map.of("name", "hot",
                                "actions", List.of(Map.of("rollover", Map.of("min_size", "1gb",
                                        "min_index_age", "7d"))),
                                "transitions", List.of(Map.of("state_name", "delete",
                                        "conditions", Map.of("min_rollover_age", "14d")))),
                        Map.of("name", "delete",
                                "actions", List.of(Map.of("delete", Map.of())),
                                "transitions", List.of())),
                "ism_template", List.of(Map.of("index_patterns", backing, "priority", 100))));
    }

    static Map<String, Object> template(Distribution distribution, List<String> streams) {
        Map<String, Object> settings = new LinkedHashMap<>();
        if (distribution == Distribution.ELASTICSEARCH) {
            settings.put("index.lifecycle.name", POLICY);
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("@timestamp", Map.of("type", "date"));
        properties.put("message", Map.of("type", "text"));
        properties.put("level", Map.of("type", "keyword"));
        properties.put("logger", Map.of("type", "keyword"));
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("settings", settings);
        template.put("mappings", Map.of("properties", properties));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("index_patterns", streams.stream().map(s -> s + "*").toList());
        body.put("data_stream", Map.of());
        body.put("priority", 200);
        body.put("template", template);
        body.put("_meta", Map.of("managed_by", "jsorc"));
        return body;
    }
}
