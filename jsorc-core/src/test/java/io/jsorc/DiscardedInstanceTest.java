package io.jsorc;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * A discarded instance changes state no more: a restart asked for through a handle read just before a refresh
 * discarded it, or a failure reported after, would tell listeners (the dashboard, metrics, log shipping) of a
 * transition of an instance whose replacement may run already. The context is a Mockito seam: only the name and the
 * config are read.
 */
class DiscardedInstanceTest {

    /** Runs; its failure hook counts. */
    static final class Plain extends CommonService<String> {
        final AtomicInteger failedHooks = new AtomicInteger();

        @Override
        protected String run() {
            return "up";
        }

        @Override
        protected void failed(Throwable cause) {
            failedHooks.incrementAndGet();
        }
    }

    private static ServiceContext context() {
        ServiceContext context = mock(ServiceContext.class);
        when(context.serviceName()).thenReturn("plain");
        when(context.serviceConfig()).thenReturn(Map.of("enabled", true));
        when(context.storedConfig()).thenReturn(Map.of("enabled", true));
        return context;
    }

    @Test
    void aDiscardedInstanceIsNeitherMarkedForRestartNorFailed() {
        Plain instance = new Plain();
        List<String> told = new CopyOnWriteArrayList<>();
        AtomicInteger failuresSignalled = new AtomicInteger();
        ServiceControl control = instance.bind(context(), (name, from, to, error) -> told.add(from + "->" + to),
                failed -> failuresSignalled.incrementAndGet());
        instance.start();
        assertThat(instance.isRunning()).isTrue();
        control.discard(); // a refresh replaced it

        control.markRestart(); // a restart request that read this handle just before the refresh
        control.failBeforeStart(new IllegalStateException("late"));

        assertThat(told).containsExactly("NOT_STARTED->STARTED", "STARTED->RUNNING");
        assertThat(instance.state()).isEqualTo(ServiceState.RUNNING);
        assertThat(instance.failedHooks).as("its hook still releases what it opened").hasValue(1);
        assertThat(failuresSignalled).as("the regeneration loop is not told to rebuild it").hasValue(0);
    }
}
