package io.jsorc.base;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class DaemonThreadsTest {

    @Test
    void startRunsTheBodyOnANamedDaemonThread() throws Exception {
        AtomicReference<Thread> seen = new AtomicReference<>();
        Thread thread = DaemonThreads.start("jsorc-test-start", () -> seen.set(Thread.currentThread()));
        assertThat(DaemonThreads.join(thread, Duration.ofSeconds(10))).isTrue();
        assertThat(seen.get()).isSameAs(thread);
        assertThat(thread.getName()).isEqualTo("jsorc-test-start");
        assertThat(thread.isDaemon()).isTrue();
    }

    @Test
    void anUncaughtExceptionIsLoggedByOurHandlerNotTheJvmDefault() {
        AtomicReference<Throwable> reachedDefault = new AtomicReference<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> reachedDefault.set(e));
        try {
            Thread thread = DaemonThreads.start("jsorc-test-dies", () -> {
                throw new IllegalStateException("expected by the test");
            });
            assertThat(DaemonThreads.join(thread, Duration.ofSeconds(10))).isTrue();
            // Handled by DaemonThreads' own handler (slf4j, with the thread name): the default one never saw it.
            assertThat(reachedDefault.get()).isNull();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    @Test
    void factoryNumbersDaemonThreads() {
        ThreadFactory factory = DaemonThreads.factory("jsorc-test-pool");
        Thread first = factory.newThread(() -> { });
        Thread second = factory.newThread(() -> { });
        assertThat(first.getName()).isEqualTo("jsorc-test-pool-1");
        assertThat(second.getName()).isEqualTo("jsorc-test-pool-2");
        assertThat(first.isDaemon()).isTrue();
        assertThat(first.isAlive()).as("a factory does not start threads").isFalse();
    }

    @Test
    void joinIsBoundedAndInterruptAndJoinStopsACooperativeThread() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Thread sleeper = DaemonThreads.start("jsorc-test-sleeper", () -> {
            started.countDown();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        assertThat(DaemonThreads.join(sleeper, Duration.ofMillis(50))).isFalse();
        assertThat(DaemonThreads.join(sleeper, Duration.ZERO)).isFalse();
        assertThat(System.nanoTime() - t0).as("bounded").isLessThan(TimeUnit.SECONDS.toNanos(5));
        assertThat(DaemonThreads.interruptAndJoin(sleeper, Duration.ofSeconds(10))).isTrue();
        assertThat(DaemonThreads.join(null, Duration.ZERO)).isTrue();
    }

    @Test
    void stopWaitsThenInterruptsAndNeverJoinsTheCaller() {
        Thread sleeper = DaemonThreads.start("jsorc-test-stop", () -> {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(DaemonThreads.stop(sleeper, Duration.ofMillis(20), Duration.ofSeconds(10))).isTrue();
        assertThat(DaemonThreads.stop(Thread.currentThread(), Duration.ofSeconds(10), Duration.ofSeconds(10)))
                .isFalse();
        assertThat(Thread.currentThread().isInterrupted()).as("the caller is not interrupted by itself").isFalse();
    }

    @Test
    void anInterruptedCallerStopsWaitingAndKeepsItsInterrupt() {
        Thread sleeper = DaemonThreads.start("jsorc-test-interrupted-caller", () -> {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            Thread.currentThread().interrupt();
            long t0 = System.nanoTime();
            assertThat(DaemonThreads.join(sleeper, Duration.ofSeconds(30))).isFalse();
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
            sleeper.interrupt();
        }
    }
}
