package io.jsorc;

import io.jsorc.fixtures.Fixtures;
import io.jsorc.fixtures.Fixtures.Slow;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrencyTest {

    @Test
    void sixtyFourColdCallersStartTheServiceExactlyOnce() throws Exception {
        Slow.RUNS.set(0);
        Slow.release = new CountDownLatch(1);
        int threads = 64;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Orchestrator o = Fixtures.builder(Slow.class).build()) {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<CommonService<?>>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return o.svc("slow");
                }));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            // Let the callers pile up on the slot while run() blocks, then let it finish.
            Thread.sleep(100);
            Slow.release.countDown();
            CommonService<?> first = results.get(0).get(10, TimeUnit.SECONDS);
            for (Future<CommonService<?>> result : results) {
                CommonService<?> service = result.get(10, TimeUnit.SECONDS);
                assertThat(service).isSameAs(first);
                assertThat(service.isRunning()).isTrue();
            }
            assertThat(Slow.RUNS.get()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
