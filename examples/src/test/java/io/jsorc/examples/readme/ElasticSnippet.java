package io.jsorc.examples.readme;

// tag::elastic[]
import io.jsorc.JsOrc;
import io.jsorc.services.elastic.ElasticService;

import java.util.Map;
// end::elastic[]

/** The README's elastic statements: compiled only, running them needs an Elasticsearch or OpenSearch. */
final class ElasticSnippet {

    private ElasticSnippet() {
    }

    static void run(Map<String, Object> requestMeta) {
        // tag::elastic[]
        ElasticService elastic = JsOrc.svc("elastic", ElasticService.class);
        elastic.log("INFO", "billing", "invoice sent", Map.of("invoice", 42));      // -> app data stream
        elastic.activity(requestMeta, Map.of("walker", "init"), "walker_run");        // -> <namespace>-activity
        elastic.document(Map.of("kind", "audit", "who", "ops"));                    // -> <namespace>-common
        // end::elastic[]
    }
}
