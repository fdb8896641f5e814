package io.jsorc.action;

import io.jsorc.Orchestrator;
import io.jsorc.fixtures.actions.Calc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loads racing unloads on the same module (as policies and host code do): once the manager is closed no child JVM
 * and no module class loader is left.
 */
class LoadUnloadRaceTest {

    /** How long the remote race runs: 20 s, as issue #12 asks. */
    static final Duration REMOTE_RACE = Duration.ofSeconds(20);
    /** How long the local race runs (a local load is cheap: many more rounds per second). */
    static final Duration LOCAL_RACE = Duration.ofSeconds(5);
    /** The pause after each remote round. */
    static final Duration REMOTE_PAUSE = Duration.ofMillis(40);

    private Orchestrator orchestrator;
    private ActionManager actions;
    private Set<Long> childrenBefore;

    @BeforeEach
    void start() {
        orchestrator = Orchestrator.builder().scanPackages().build();
        actions = orchestrator.get("action_manager", ActionManager.class);
        childrenBefore = children();
    }

    @AfterEach
    void close() {
        orchestrator.close();
    }

    /** {@return the pids of the live descendants of this JVM} */
    private static Set<Long> children() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    private Set<Long> newChildren() {
        Set<Long> now = children();
        now.removeAll(childrenBefore);
        return now;
    }

    /**
     * The race made certain: a load that found the module's entry waits for its lock while an unload (this thread,
     * holding the lock) empties and removes the entry. The load must then take a fresh entry, not install its
     * placement on the removed one.
     */
    @Test
    void aLoadThatWaitedForAnUnloadThatRemovedTheEntryLoadsIntoTheTable() throws Exception {
        actions.config("calc", ActionConfig.of(Calc.class));
        actions.load("calc", ActionMode.LOCAL);
        LoadedModule entry = actions.table.get("calc");
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread loader = new Thread(() -> {
            try {
                actions.load("calc", ActionMode.REMOTE);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "test-racing-load");
        synchronized (entry) {
            loader.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (loader.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(loader.getState()).as("the load waits for the module's lock").isEqualTo(Thread.State.BLOCKED);
            assertThat(actions.unload("calc", UnloadMode.LOCAL, true).success()).isTrue(); // removes the entry
        }
        loader.join(30_000);
        assertThat(failure.get()).isNull();
        assertThat(actions.table.get("calc")).as("the load's entry is in the table").isNotNull().isNotSameAs(entry);
        assertThat(actions.awaitReady("calc", Duration.ofSeconds(60)).remoteStatus()).isEqualTo("READY");
        assertThat(actions.call("calc.add", 1, 2)).isEqualTo(3);
        actions.close();
        assertThat(newChildren()).as("child JVMs left after close()").isEmpty();
    }

    @Test
    void twoThreadsLoadingAndUnloadingRemoteLeaveNoChildJvm() throws Exception {
        CountingLauncher launcher = new CountingLauncher();
        actions = new ActionManager(launcher); // its own manager, to count the child JVMs it launches
        actions.config("calc", ActionConfig.of(Calc.class));
        Counts counts = race("calc", ActionMode.REMOTE, UnloadMode.REMOTE, REMOTE_RACE);
        long t0 = System.nanoTime();
        actions.close();
        long closeMs = (System.nanoTime() - t0) / 1_000_000;
        Set<Long> left = newChildren();
        System.out.println("remote race " + REMOTE_RACE.toSeconds() + " s: " + counts + "; child JVMs launched "
                + launcher.launched + ", retired " + launcher.retired + "; close() took " + closeMs
                + " ms; child JVMs left right after close(): " + left);
        assertThat(left).as("child JVMs left after close()").isEmpty();
        assertThat(launcher.retired.get()).as("every launched server retired").isEqualTo(launcher.launched.get());
        assertThat(actions.status()).isEmpty();
    }

    /** The child JVM launcher, counting what it launches and retires. */
    private static final class CountingLauncher implements io.jsorc.action.remote.RemoteActionLauncher {
        private final io.jsorc.action.remote.ProcessActionLauncher children =
                new io.jsorc.action.remote.ProcessActionLauncher();
        final AtomicLong launched = new AtomicLong();
        final AtomicLong retired = new AtomicLong();
        private final Set<Remote> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public Remote launch(String name, ActionConfig config, io.jsorc.ComponentContext context) throws Exception {
            Remote remote = children.launch(name, config, context);
            launched.incrementAndGet();
            live.add(remote);
            return remote;
        }

        @Override
        public void retire(Remote remote) {
            children.retire(remote);
            if (live.remove(remote)) {
                retired.incrementAndGet();
            }
        }
    }

    @Test
    void twoThreadsLoadingAndUnloadingLocalLeaveNoClassLoader(@TempDir Path dir) throws Exception {
        Path jar = ModuleJars.greeter(dir);
        actions.config("greeter", new ActionConfig("plug.Greeter", jar.toString(), 1, java.util.Map.of()));
        int loadersBefore = LocalPlacement.openLoaders();
        Counts counts = race("greeter", ActionMode.LOCAL, UnloadMode.LOCAL, LOCAL_RACE);
        actions.close();
        int left = LocalPlacement.openLoaders() - loadersBefore;
        System.out.println("local race " + LOCAL_RACE.toSeconds() + " s: " + counts + "; class loaders left: " + left);
        assertThat(left).as("module class loaders still open after close()").isZero();
        assertThat(actions.status()).isEmpty();
    }

    /** The stacks of the JVM's threads that run action code or this test's workers, for a stuck round. */
    private static String stacks() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("pool-") || thread.getName().startsWith("jsorc-")) {
                out.append(thread.getName()).append(' ').append(thread.getState()).append('\n');
                for (StackTraceElement frame : stack) {
                    out.append("    at ").append(frame).append('\n');
                }
            }
        });
        return out.toString();
    }

    private record Counts(long loads, long unloads, long refused) {
    }

    /**
     * Two threads loop load/unload on one module for the duration; a load or unload that throws fails the test. Each
     * round starts both threads together (a barrier) after a random spin of up to 200 us, so that their loads and
     * unloads overlap; a remote round then pauses {@link #REMOTE_PAUSE}, which bounds the child JVMs launched on a
     * shared machine (a few hundred, not thousands).
     */
    private Counts race(String name, ActionMode load, UnloadMode unload, Duration duration) throws Exception {
        AtomicLong loads = new AtomicLong();
        AtomicLong unloads = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        long deadline = System.nanoTime() + duration.toNanos();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        // Whether to stop is decided once per round, by the barrier's action, before either thread is let through:
        // both threads read the same answer. (Decided by a thread at the end of its own round, the other thread,
        // descheduled right after the barrier for a whole round, could read the next round's answer and leave its
        // partner waiting at the barrier.)
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2,
                () -> stop.set(System.nanoTime() > deadline));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            workers.add(pool.submit(() -> {
                java.util.Random random = new java.util.Random();
                while (true) {
                    try {
                        together.await(60, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException stuck) {
                        throw new AssertionError("the other thread did not finish its round within 60 s:\n"
                                + stacks(), stuck);
                    }
                    if (stop.get()) {
                        return null;
                    }
                    long spinUntil = System.nanoTime() + random.nextInt(200_000);
                    while (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    }
                    try {
                        actions.load(name, load);
                    } catch (RuntimeException | Error e) {
                        together.reset(); // the other thread stops waiting for this one at once
                        throw e;
                    }
                    loads.incrementAndGet();
                    UnloadResult result;
                    try {
                        result = actions.unload(name, unload, true);
                    } catch (RuntimeException | Error e) {
                        together.reset();
                        throw e;
                    }
                    (result.success() ? unloads : refused).incrementAndGet();
                    if (load == ActionMode.REMOTE) {
                        Thread.sleep(REMOTE_PAUSE.toMillis());
                    }
                }
            }));
        }
        try {
            // A failed load or unload fails the test with its own exception, not the other thread's broken barrier.
            java.util.concurrent.ExecutionException broken = null;
            for (Future<?> worker : workers) {
                try {
                    worker.get(duration.toSeconds() + 90, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof java.util.concurrent.BrokenBarrierException)) {
                        throw e;
                    }
                    broken = e;
                }
            }
            if (broken != null) {
                throw broken;
            }
        } finally {
            pool.shutdownNow();
        }
        return new Counts(loads.get(), unloads.get(), refused.get());
    }
}
