package io.jsorc.service;

import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import io.jsorc.Service;
import io.jsorc.ServiceState;
import io.jsorc.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two services whose {@code run()} each ask for the other, started at the same time on two threads: a deadlock until
 * one of the waits is refused, naming the cycle.
 */
class CrossThreadCycleTest {

    /** Both runs are under way before either asks for the other: the cycle is certain, not a matter of timing. */
    static volatile CountDownLatch bothRunning;

    /** Asks for the other service once both are starting. */
    abstract static class AsksForTheOther extends CommonService<String> {
        private final String other;

        AsksForTheOther(String other) {
            this.other = other;
        }

        @Override
        protected String run() throws Exception {
            bothRunning.countDown();
            if (!bothRunning.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other service never started");
            }
            context().svc(other);
            return name() + " up";
        }
    }

    /** Asks for {@code cross_b} in its start. */
    @Service(name = "cross_a")
    public static class CrossA extends AsksForTheOther {
        /** Built by the orchestrator. */
        public CrossA() {
            super("cross_b");
        }
    }

    /** Asks for {@code cross_a} in its start. */
    @Service(name = "cross_b")
    public static class CrossB extends AsksForTheOther {
        /** Built by the orchestrator. */
        public CrossB() {
            super("cross_a");
        }
    }

    @Test
    void twoServicesAskingForEachOtherFromTwoThreadsDoNotDeadlockAndTheRefusalNamesTheCycle() throws Exception {
        bothRunning = new CountDownLatch(2);
        try (Orchestrator o = Fixtures.builder(CrossA.class, CrossB.class)
                .config("CROSS_A_CONFIG", "{\"enabled\": true}").config("CROSS_B_CONFIG", "{\"enabled\": true}")
                .build().start()) {
            List<Thread> starters = new ArrayList<>();
            for (String name : List.of("cross_a", "cross_b")) {
                Thread starter = new Thread(() -> o.svc(name), "starts-" + name);
                starter.setDaemon(true); // should the fix fail, a deadlocked pair must not hold the test JVM
                starter.start();
                starters.add(starter);
            }
            long t0 = System.nanoTime();
            for (Thread starter : starters) {
                starter.join(30_000);
                assertThat(starter.isAlive()).as(starter.getName() + " ended (no deadlock)").isFalse();
            }
            System.out.printf("cycle across threads broken after %d ms%n", (System.nanoTime() - t0) / 1_000_000);

            List<CommonService<?>> services = List.of(o.svc("cross_a"), o.svc("cross_b"));
            List<CommonService<?>> failed = services.stream().filter(s -> s.state() == ServiceState.FAILED).toList();
            assertThat(failed).as("the one service whose wait closed the cycle failed; the other runs").hasSize(1);
            assertThat(services).filteredOn(s -> s.state() == ServiceState.RUNNING).hasSize(1);
            String error = String.valueOf(failed.get(0).error());
            System.out.println("refusal: " + error);
            assertThat(error).contains("across threads").contains("service 'cross_a'").contains("service 'cross_b'")
                    .contains("starts-cross_a").contains("starts-cross_b");
        }
    }
}
