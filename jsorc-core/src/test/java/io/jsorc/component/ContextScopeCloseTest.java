package io.jsorc.component;

import io.jsorc.Context;
import io.jsorc.Orchestrator;
import io.jsorc.fixtures.Fixtures;
import io.jsorc.registry.Registry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A closed scope makes no persisting instance, and one made while it closes is closed too. */
class ContextScopeCloseTest {

    /** Counts instances made and closed. */
    @Context(name = "tracked")
    public static class Tracked implements AutoCloseable {
        static final AtomicInteger MADE = new AtomicInteger();
        static final AtomicInteger CLOSED = new AtomicInteger();

        public Tracked() {
            MADE.incrementAndGet();
        }

        @Override
        public void close() {
            CLOSED.incrementAndGet();
        }
    }

    @Test
    void getAfterCloseIsRefusedAndMakesNothing() {
        Tracked.MADE.set(0);
        ContextScope scope = new ContextScope(Registry.builder().builtins(false).register(Tracked.class).build());
        scope.close(); // closed before any context was attached: refused before anything is made
        assertThatThrownBy(() -> scope.get("tracked")).isInstanceOf(IllegalStateException.class)
                .hasMessage("Context 'tracked' cannot be created: the orchestrator is closed");
        assertThat(Tracked.MADE.get()).isZero();
    }

    @Test
    void everyInstanceMadeWhileTheOrchestratorClosesIsClosed() throws Exception {
        for (int round = 0; round < 100; round++) {
            Tracked.MADE.set(0);
            Tracked.CLOSED.set(0);
            Orchestrator orchestrator = Fixtures.builder(Tracked.class).build();
            CyclicBarrier start = new CyclicBarrier(2);
            CountDownLatch done = new CountDownLatch(1);
            List<Throwable> unexpected = new ArrayList<>();
            Thread getter = new Thread(() -> {
                try {
                    start.await();
                    orchestrator.get("tracked");
                } catch (IllegalStateException refused) {
                    // closed first: nothing made, or what was made was closed
                } catch (Exception e) {
                    unexpected.add(e);
                } finally {
                    done.countDown();
                }
            });
            getter.start();
            start.await();
            orchestrator.close();
            done.await();
            assertThat(unexpected).isEmpty();
            assertThat(Tracked.CLOSED.get()).as("round " + round + ": made " + Tracked.MADE.get())
                    .isEqualTo(Tracked.MADE.get());
        }
    }
}
