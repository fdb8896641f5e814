package io.jsorc.kube;

import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.util.ClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LeaseElector} against the test API server, with a clock the test moves: acquire, renew, expiry measured
 * from when a record was first seen, optimistic concurrency, the renew deadline, release.
 */
class LeaseElectorTest {

    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration RENEW_DEADLINE = Duration.ofSeconds(1);
    private static final Duration VERIFY = Duration.ofMillis(500);

    private KubeTestServer server;
    private CoordinationV1Api api;
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @BeforeEach
    void start() {
        server = new KubeTestServer();
        api = new CoordinationV1Api(new ClientBuilder().setBasePath(server.basePath()).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private LeaseElector elector(String identity) {
        return new LeaseElector(() -> api, () -> "ns", "jsorc-leader-test", identity, LEASE, RENEW_DEADLINE, VERIFY,
                clock::get);
    }

    private void advance(Duration by) {
        clock.addAndGet(by.toNanos());
    }

    private V1Lease lease() throws Exception {
        return api.readNamespacedLease("jsorc-leader-test", "ns").execute();
    }

    @Test
    void isLeaderNeverWaitsBehindAnAttemptThatWaitsForTheApiServer() throws Exception {
        java.util.concurrent.CountDownLatch inAttempt = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stall = new java.util.concurrent.atomic.AtomicBoolean();
        LeaseElector a = new LeaseElector(() -> {
            if (stall.get()) { // an API server that takes its time (up to the client's timeouts)
                inAttempt.countDown();
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return api;
        }, () -> "ns", "jsorc-leader-test", "a", LEASE, RENEW_DEADLINE, VERIFY, clock::get);
        assertThat(a.tryAcquireOrRenew()).isTrue();
        stall.set(true);
        Thread renewing = new Thread(a::tryAcquireOrRenew, "renewing");
        renewing.start();
        try {
            assertThat(inAttempt.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.CompletableFuture<Boolean> asked = java.util.concurrent.CompletableFuture
                    .supplyAsync(a::isLeader);
            // Generous: it takes no lock, so it answers at once; with the lock it would wait for the API server.
            assertThat(asked.get(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(a.fencingToken()).isEqualTo(1);
        } finally {
            answer.countDown();
            renewing.join(10_000);
        }
    }

    @Test
    void aForbiddenLeaseIsSaidOnceAtWarnNamingWhatTheServiceAccountLacks() throws Exception {
        server.failNext(RecordingDispatcher.Request::isLease, 403, 5); // a Role without leases
        LeaseElector a = elector("a");
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            for (int attempt = 0; attempt < 5; attempt++) {
                assertThat(a.tryAcquireOrRenew()).isFalse();
            }
            assertThat(a.tryAcquireOrRenew()).as("the Role fixed: the lease is created").isTrue();
        } finally {
            System.setErr(original);
        }
        String output = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        System.out.print(output);
        assertThat(output.lines().filter(line -> line.contains("WARN") && line.contains("HTTP 403"))).hasSize(1);
        assertThat(output).contains("Lease ns/jsorc-leader-test failed: reading: HTTP 403",
                "get, create and update on coordination.k8s.io leases");
    }

    @Test
    void aRenewalRefusedAfterAReadThatWorkedIsSaidOnceToo() throws Exception {
        LeaseElector a = elector("a");
        assertThat(a.tryAcquireOrRenew()).isTrue();
        server.failNext(request -> request.isLease() && request.method().equals("PUT"), 403, 5); // no 'update'
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            for (int attempt = 0; attempt < 5; attempt++) {
                advance(Duration.ofMillis(100));
                a.tryAcquireOrRenew(); // each reads (200), then replaces (403)
            }
        } finally {
            System.setErr(original);
        }
        String output = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        System.out.print(output);
        assertThat(output.lines().filter(line -> line.contains("WARN") && line.contains("HTTP 403")))
                .as("a read that worked does not end the streak of the renewal that did not").hasSize(1);
        assertThat(output).contains("renewing: HTTP 403");
    }

    @Test
    void theFirstCreatesTheLeaseAndTheSecondWaitsForItToExpire() throws Exception {
        LeaseElector a = elector("a");
        LeaseElector b = elector("b");
        assertThat(a.tryAcquireOrRenew()).isTrue();
        assertThat(a.isLeader()).isTrue();
        assertThat(a.fencingToken()).isEqualTo(1);
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("a");
        assertThat(lease().getSpec().getLeaseDurationSeconds()).isEqualTo(2);

        assertThat(b.tryAcquireOrRenew()).isFalse();
        assertThat(b.observedHolder()).contains("a");
        // a renews; b sees a changed record each time, so the lease never expires for it.
        for (int i = 0; i < 5; i++) {
            advance(Duration.ofMillis(500));
            assertThat(a.tryAcquireOrRenew()).isTrue();
            assertThat(b.tryAcquireOrRenew()).isFalse();
        }
        // a stops renewing (it died): b takes over once the record went unchanged for the lease duration.
        advance(Duration.ofMillis(1900));
        assertThat(b.tryAcquireOrRenew()).as("not yet expired for b").isFalse();
        assertThat(a.isLeader()).as("a is past its renew deadline").isFalse();
        advance(Duration.ofMillis(200));
        assertThat(b.tryAcquireOrRenew()).isTrue();
        assertThat(b.fencingToken()).isEqualTo(2);
        V1Lease taken = lease();
        assertThat(taken.getSpec().getHolderIdentity()).isEqualTo("b");
        assertThat(taken.getSpec().getLeaseTransitions()).isEqualTo(1);
        // a comes back: it sees b's lease and follows.
        assertThat(a.tryAcquireOrRenew()).isFalse();
        assertThat(a.confirm()).isFalse();
    }

    @Test
    void aReplicaWithAShorterLeaseWaitsOutTheHoldersOwnDuration() throws Exception {
        LeaseElector a = new LeaseElector(() -> api, () -> "ns", "jsorc-leader-test", "a", Duration.ofSeconds(6),
                Duration.ofSeconds(4), VERIFY, clock::get); // the old settings, during a rolling change
        LeaseElector b = elector("b"); // the new ones: a 2 s lease
        assertThat(a.tryAcquireOrRenew()).isTrue();
        assertThat(b.tryAcquireOrRenew()).isFalse();
        advance(Duration.ofSeconds(3)); // past b's 2 s, within a's 6 s
        assertThat(b.tryAcquireOrRenew()).as("a's lease runs 6 s, whatever b's settings say").isFalse();
        advance(Duration.ofMillis(3100));
        assertThat(b.tryAcquireOrRenew()).isTrue();
    }

    @Test
    void aHolderPausedPastItsRenewDeadlineStopsLeadingBeforeItCanWrite() throws Exception {
        LeaseElector a = elector("a");
        assertThat(a.tryAcquireOrRenew()).isTrue();
        assertThat(a.confirm()).isTrue();
        advance(Duration.ofSeconds(3)); // SIGSTOP for longer than the lease
        assertThat(a.isLeader()).isFalse();
        assertThat(a.confirm()).isFalse();
        // Nobody else took it: its next attempt renews and it leads again.
        assertThat(a.tryAcquireOrRenew()).isTrue();
        assertThat(a.confirm()).isTrue();
    }

    @Test
    void confirmReReadsTheLeaseAndNoticesAnotherHolder() throws Exception {
        LeaseElector a = elector("a");
        assertThat(a.tryAcquireOrRenew()).isTrue();
        // Someone replaces the lease behind a's back (an operator, a replica with a skewed view).
        V1Lease stolen = lease();
        stolen.getSpec().holderIdentity("intruder");
        api.replaceNamespacedLease("jsorc-leader-test", "ns", stolen).execute();
        assertThat(a.confirm()).as("verified moments ago: the local view suffices").isTrue();
        advance(VERIFY);
        assertThat(a.confirm()).as("re-read: held by another").isFalse();
        assertThat(a.isLeader()).isFalse();
    }

    @Test
    void aStaleResourceVersionLosesTheRace() throws Exception {
        LeaseElector a = elector("a");
        LeaseElector b = elector("b");
        assertThat(a.tryAcquireOrRenew()).isTrue();
        assertThat(b.tryAcquireOrRenew()).isFalse();
        a.release();
        // Both see the released lease; only one of them can replace the version they read.
        LeaseElector c = elector("c");
        boolean bWon = b.tryAcquireOrRenew();
        boolean cWon = c.tryAcquireOrRenew();
        assertThat(bWon).isTrue();
        assertThat(cWon).as("b's write changed the version, and b's lease is live for c").isFalse();
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("b");
    }

    @Test
    void releaseLetsAnotherReplicaTakeOverWithoutWaiting() throws Exception {
        LeaseElector a = elector("a");
        LeaseElector b = elector("b");
        assertThat(a.tryAcquireOrRenew()).isTrue();
        assertThat(b.tryAcquireOrRenew()).isFalse();
        a.release();
        assertThat(a.isLeader()).isFalse();
        assertThat(lease().getSpec().getHolderIdentity()).isNull();
        assertThat(b.tryAcquireOrRenew()).isTrue();
    }

    @Test
    void anUnreachableApiServerLetsTheHolderLeadOnlyUntilItsRenewDeadline() {
        LeaseElector a = elector("a");
        assertThat(a.tryAcquireOrRenew()).isTrue();
        server.stop();
        advance(Duration.ofMillis(500));
        assertThat(a.tryAcquireOrRenew()).as("renew failed, still inside the deadline").isTrue();
        advance(Duration.ofMillis(600));
        assertThat(a.tryAcquireOrRenew()).isFalse();
        assertThat(a.isLeader()).isFalse();
        server.restart(); // closed again after the test
    }
}
