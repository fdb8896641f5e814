package io.jsorc;

import io.jsorc.fixtures.Fixtures;
import io.jsorc.inject.Ctx;
import io.jsorc.inject.Svc;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A component created for a caller that never gets it (its injection failed, it is of the wrong type, the constructor
 * it was created for threw) is closed, when it is {@link AutoCloseable}: nobody else holds it, and whatever it
 * started would run on for good.
 */
class FailedComponentIsClosedTest {

    static final AtomicInteger OPENED = new AtomicInteger();
    static final AtomicInteger CLOSED = new AtomicInteger();

    /** Counts the instances made and closed. */
    @Context(name = "resource")
    public static class Resource implements AutoCloseable {
        public Resource() {
            OPENED.incrementAndGet();
        }

        @Override
        public void close() {
            CLOSED.incrementAndGet();
        }
    }

    /** A resource whose injection fails: no service 'nowhere'. */
    @Context(name = "broken_resource")
    public static class BrokenResource extends Resource {
        @Svc("nowhere")
        Object missing;
    }

    /** Its first argument is created, then its second fails. */
    @Context(name = "holder")
    public static class Holder {
        public Holder(@Ctx("resource") Resource resource, @Svc("nowhere") Object missing) {
        }
    }

    /** Gets its argument, then throws. */
    @Context(name = "thrower")
    public static class Thrower {
        public Thrower(@Ctx("resource") Resource resource) {
            throw new IllegalStateException("refused");
        }
    }

    @BeforeEach
    void reset() {
        OPENED.set(0);
        CLOSED.set(0);
    }

    private static Orchestrator orchestrator() {
        return Fixtures.builder(Resource.class, BrokenResource.class, Holder.class, Thrower.class).build();
    }

    @Test
    void aPersistingContextWhoseInjectionFailsIsClosed() {
        try (Orchestrator o = orchestrator()) {
            assertThatThrownBy(() -> o.get("broken_resource")).hasMessageContaining("nowhere");
            assertThat(OPENED.get()).isEqualTo(1);
            assertThat(CLOSED.get()).as("closed before the failure went on").isEqualTo(1);
        }
    }

    @Test
    void aNewContextOfTheWrongTypeIsClosed() {
        try (Orchestrator o = orchestrator()) {
            assertThatThrownBy(() -> o.ctx("resource", String.class)).isInstanceOf(ClassCastException.class)
                    .hasMessageContaining("not a java.lang.String");
            assertThat(CLOSED.get()).isEqualTo(OPENED.get()).isEqualTo(1);
        }
    }

    @Test
    void anArgumentTheCallerPassedIsTheCallersNeverClosed() {
        try (Orchestrator o = orchestrator()) {
            Resource mine = new Resource();
            assertThatThrownBy(() -> o.ctx("thrower", mine)).hasMessageContaining("refused");
            assertThat(CLOSED.get()).as("the caller's own argument").isZero();
        }
    }

    @Test
    void argumentsCreatedForAConstructorThatNeverHoldsThemAreClosed() {
        try (Orchestrator o = orchestrator()) {
            assertThatThrownBy(() -> o.ctx("holder")).hasMessageContaining("nowhere");
            assertThatThrownBy(() -> o.ctx("thrower")).hasMessageContaining("refused");
            assertThat(OPENED.get()).isEqualTo(2);
            assertThat(CLOSED.get()).as("the argument of each").isEqualTo(2);
        }
    }
}
