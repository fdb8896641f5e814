package io.jsorc.lifecycle;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class DaemonsTest {

    /**
     * What a service's daemon does when it finds its dependency dead (a connection watcher, say): it marks its service
     * failed, which closes the service's daemons from that very daemon. It must wait for its siblings like any other caller (the
     * replacement is built only after), and be interrupted itself only afterwards.
     */
    @Test
    void aDaemonThatClosesItsOwnDaemonsWaitsForItsSiblingsAndIsInterruptedAfterwards() throws Exception {
        Daemons daemons = new Daemons("svc", Duration.ofSeconds(5));
        CountDownLatch started = new CountDownLatch(1);
        Thread sibling = daemons.spawn("ping", () -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // cleanup that takes a moment, as closing a socket can
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                while (System.nanoTime() - until < 0) {
                    Thread.onSpinWait();
                }
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Object[]> outcome = new CompletableFuture<>();
        CountDownLatch go = new CountDownLatch(1);
        daemons.spawn("listen", () -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                outcome.completeExceptionally(e);
                return;
            }
            long t0 = System.nanoTime();
            Set<String> stuck = daemons.close();
            outcome.complete(new Object[] {stuck, sibling.isAlive(), Thread.currentThread().isInterrupted(),
                    (System.nanoTime() - t0) / 1_000_000});
        });
        go.countDown();
        Object[] result = outcome.get(30, TimeUnit.SECONDS);
        System.out.printf("close() from a daemon: stuck %s, sibling alive %s, caller interrupted %s, %d ms%n",
                result[0], result[1], result[2], result[3]);
        assertThat((Set<?>) result[0]).isEmpty();
        assertThat(result[1]).isEqualTo(false);
        assertThat(result[2]).as("the calling daemon is still told to stop").isEqualTo(true);
    }
}
