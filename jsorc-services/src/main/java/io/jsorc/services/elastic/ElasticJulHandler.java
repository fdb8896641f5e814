package io.jsorc.services.elastic;

import io.jsorc.ComponentContext;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * A {@code java.util.logging} handler that ships a host's log records to the {@code elastic} service's app log
 * index, through its bounded queue: publishing never blocks and never does I/O.
 *
 * <pre>{@code
 * Logger.getLogger("").addHandler(new ElasticJulHandler());
 * }</pre>
 * or in {@code logging.properties}: {@code handlers = io.jsorc.services.elastic.ElasticJulHandler}.
 *
 * <p>Records go to the given orchestrator, or else the global one ({@link io.jsorc.JsOrc}), which the handler never
 * builds.
 * Until that orchestrator's {@code elastic} service has run once, records are counted as {@link #unrouted()}.
 * JUL levels are named as SLF4J's ({@code SEVERE} -> {@code ERROR}, {@code WARNING} -> {@code WARN},
 * {@code INFO}/{@code CONFIG} -> {@code INFO}, {@code FINE} -> {@code DEBUG}, finer -> {@code TRACE}), and the
 * JUL level is kept as {@code jul_level}.
 */
public class ElasticJulHandler extends Handler {

    private final AtomicLong unrouted = new AtomicLong();
    private final ComponentContext orchestrator;
    private final SimpleFormatter messages = new SimpleFormatter();

    /** Ships to the global orchestrator (for {@code logging.properties}). */
    public ElasticJulHandler() {
        this(null);
    }

    /**
     * Creates a handler that ships to the given orchestrator, or to the global one when it is {@code null}.
     *
     * @param orchestrator the orchestrator whose {@code elastic} service ships the records, or {@code null}
     */
    public ElasticJulHandler(ComponentContext orchestrator) {
        this.orchestrator = orchestrator;
    }

    /** {@return records published while no running {@code elastic} service could take them} */
    public long unrouted() {
        return unrouted.get();
    }

    @Override
    public void publish(LogRecord record) {
        if (record == null || !isLoggable(record)) {
            return;
        }
        ElasticLogs logs = ElasticLogs.forAppender(orchestrator);
        if (logs == null) {
            unrouted.incrementAndGet();
            return;
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("jul_level", record.getLevel().getName());
        extra.put("thread_id", record.getLongThreadID());
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            extra.put("stack_trace", trace.toString());
        }
        logs.appOwned(record.getInstant(), level(record.getLevel()), record.getLoggerName(),
                messages.formatMessage(record), extra);
    }

    static String level(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (value >= Level.WARNING.intValue()) {
            return "WARN";
        }
        if (value >= Level.CONFIG.intValue()) {
            return "INFO";
        }
        if (value >= Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }

    @Override
    public void flush() {
        // Records leave with the shipper's next batch; flushing here would block the logging caller.
    }

    @Override
    public void close() {
        setLevel(Level.OFF);
    }
}
