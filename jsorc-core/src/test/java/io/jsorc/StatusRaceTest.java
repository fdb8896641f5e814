package io.jsorc;

import io.jsorc.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** status() racing close() answers a snapshot or nothing, never a NullPointerException. */
class StatusRaceTest {

    @Test
    void statusDuringCloseNeverThrows() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int round = 0; round < 200 && failure.get() == null; round++) {
            Orchestrator o = Fixtures.builder(Fixtures.Simple.class, Fixtures.Disabled.class, Fixtures.Boom.class)
                    .build();
            o.svc("simple");
            o.svc("disabled");
            o.svc("boom");
            Thread reader = new Thread(() -> {
                try {
                    for (int i = 0; i < 2_000; i++) {
                        o.status();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "test-status-reader");
            reader.start();
            o.close();
            reader.join();
        }
        assertThat(failure.get()).as("status() threw while close() ran").isNull();
    }
}
