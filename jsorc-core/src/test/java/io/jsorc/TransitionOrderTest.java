package io.jsorc;

import io.jsorc.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Listeners see each service's transitions in the order they happened, whichever threads cause them. */
class TransitionOrderTest {

    /** Fails from another thread the moment it is RUNNING, while RUNNING is still being announced. */
    @Service(name = "racer", config = "SIMPLE_CONFIG")
    public static class Racer extends CommonService<String> {
        @Override
        protected String run() {
            Thread failer = new Thread(() -> {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (state() != ServiceState.RUNNING && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                markFailed(new IllegalStateException("connection lost right after start"));
            }, "test-racer-failer");
            failer.setDaemon(true);
            failer.start();
            return "up";
        }
    }

    @Test
    void failedIsNeverToldBeforeTheRunningThatPrecededIt() {
        List<String> seen = new CopyOnWriteArrayList<>();
        ServiceListener slow = (service, from, to, error) -> {
            if (to == ServiceState.RUNNING) {
                try {
                    Thread.sleep(300); // the failing thread acts while RUNNING is still being told
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        ServiceListener recorder = (service, from, to, error) -> seen.add(from + "->" + to);
        try (Orchestrator o = Fixtures.builder(Racer.class).listener(slow).listener(recorder).build()) {
            o.svc("racer");
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 3);
            System.out.println("transitions told: " + seen);
            assertThat(seen).startsWith("NOT_STARTED->STARTED", "STARTED->RUNNING", "RUNNING->FAILED");
        }
    }
}
