package io.jsorc.kube;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/**
 * Asks right before each write to the cluster whether this replica may still write (it holds the leader lease).
 * Once refused it refuses for the rest of its life, which is one apply: an apply that lost the lease halfway writes
 * nothing more, and leaves the rest (pruning included) to the next leader.
 */
final class WriteGate {

    /** Logs under {@link ResourceSync}: the category an operator already configures for applies. */
    private static final Logger log = LoggerFactory.getLogger(ResourceSync.class);

    private final BooleanSupplier mayWrite;
    private boolean refused;

    WriteGate(BooleanSupplier mayWrite) {
        this.mayWrite = mayWrite;
    }

    /** {@return whether the next write may be sent; asks {@code mayWrite} until it first says no} */
    boolean allowed() {
        if (refused) {
            return false;
        }
        if (!mayWrite.getAsBoolean()) {
            refused = true;
            log.info("Stopped writing to the cluster: this replica does not hold the leader lease");
            return false;
        }
        return true;
    }

    /** {@return whether a write was refused already (without asking again)} */
    boolean refused() {
        return refused;
    }
}
