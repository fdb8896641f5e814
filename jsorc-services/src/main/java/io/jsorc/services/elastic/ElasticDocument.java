package io.jsorc.services.elastic;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One document waiting to be shipped. A log record keeps its parts as they came and becomes a document on the
 * shipper's thread ({@link #body()}), so the caller's cost is an allocation and a queue append.
 */
sealed interface ElasticDocument permits ElasticDocument.Log, ElasticDocument.Source {

    /** {@return the index or data stream it goes to} */
    String index();

    /** {@return its fields ({@code @timestamp} among them), built on the shipper's thread} */
    Map<String, Object> body();

    /**
     * A log record.
     *
     * @param index     the log data stream
     * @param timestamp when it happened
     * @param level     its level
     * @param logger    the logger's name
     * @param message   the message, ANSI escapes not yet stripped
     * @param extra     more fields, or {@code null}
     */
    record Log(String index, Instant timestamp, String level, String logger, String message, Map<String, ?> extra)
            implements ElasticDocument {

        @Override
        public Map<String, Object> body() {
            Map<String, Object> source = new LinkedHashMap<>();
            if (extra != null) {
                extra.forEach(source::put);
            }
            // The four fixed fields win over extras of the same name.
            source.put("@timestamp", timestamp.toString());
            source.put("message", ElasticLogs.stripAnsi(message));
            source.put("level", level);
            source.put("logger", logger);
            return source;
        }
    }

    /**
     * A ready document (activity, common index).
     *
     * @param index  the index
     * @param source its fields
     */
    record Source(String index, Map<String, Object> source) implements ElasticDocument {

        @Override
        public Map<String, Object> body() {
            return source;
        }
    }
}
