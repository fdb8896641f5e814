package io.jsorc.services.elastic;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.jsorc.ComponentContext;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Logback appender that ships a host's log records to the {@code elastic} service's app log index, through its
 * bounded queue: appending never blocks and never does I/O. Logback is an optional dependency of
 * {@code jsorc-services}; hosts on Logback add:
 *
 * <pre>{@code
 * <appender name="ELASTIC" class="io.jsorc.services.elastic.ElasticLogbackAppender"/>
 * <root level="INFO"><appender-ref ref="ELASTIC"/></root>
 * }</pre>
 *
 * <p>Records go to the orchestrator given with {@link #setOrchestrator} or else the global one
 * ({@link io.jsorc.JsOrc}), which the appender never builds. Until that orchestrator's {@code elastic} service has
 * run once, records are counted as {@link #unrouted()} and not kept. Fields: {@code @timestamp}, {@code message},
 * {@code level}, {@code logger}, plus {@code thread}, {@code mdc} and {@code stack_trace} when present.
 */
public class ElasticLogbackAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private final AtomicLong unrouted = new AtomicLong();
    private volatile ComponentContext orchestrator;

    /** Built by Logback's configurator, or by hand. */
    public ElasticLogbackAppender() {
    }

    /**
     * Sets the orchestrator whose {@code elastic} service ships the records.
     *
     * @param orchestrator the orchestrator whose {@code elastic} service ships the records (default: the global)
     */
    public void setOrchestrator(ComponentContext orchestrator) {
        this.orchestrator = orchestrator;
    }

    /** {@return records appended while no running {@code elastic} service could take them} */
    public long unrouted() {
        return unrouted.get();
    }

    private static Map<String, String> mdc(ILoggingEvent event) {
        try {
            return event.getMDCPropertyMap();
        } catch (RuntimeException e) {
            return Map.of(); // a context built by hand without an MDC adapter: ship the record without its MDC
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        ElasticLogs logs = ElasticLogs.forAppender(orchestrator);
        if (logs == null) {
            unrouted.incrementAndGet();
            return;
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("thread", event.getThreadName());
        Map<String, String> mdc = mdc(event);
        if (mdc != null && !mdc.isEmpty()) {
            extra.put("mdc", Map.copyOf(mdc));
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            extra.put("stack_trace", ThrowableProxyUtil.asString(thrown));
        }
        logs.appOwned(Instant.ofEpochMilli(event.getTimeStamp()), event.getLevel().toString(), event.getLoggerName(),
                event.getFormattedMessage(), extra);
    }
}
