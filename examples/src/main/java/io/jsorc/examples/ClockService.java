package io.jsorc.examples;

import io.jsorc.CommonService;
import io.jsorc.Service;

import java.util.concurrent.atomic.AtomicLong;

/** A service with a daemon thread: it ticks a counter every {@code tick_ms} milliseconds. */
@Service(name = "clock")
public class ClockService extends CommonService<AtomicLong> {

    @Override
    protected AtomicLong run() {
        return new AtomicLong();
    }

    @Override
    protected void postRun() {
        long tickMillis = ((Number) config().getOrDefault("tick_ms", 100)).longValue();
        AtomicLong ticks = app();
        spawnDaemon("ticker", () -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(tickMillis);
                    ticks.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** {@return ticks so far} */
    public long ticks() {
        return poke().get();
    }
}
