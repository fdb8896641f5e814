package io.jsorc.kube;

import io.jsorc.Orchestrator;
import io.jsorc.cluster.Leadership;
import io.jsorc.config.MemoryHook;
import io.jsorc.regen.RegenerationReport;
import io.jsorc.regen.RegenerationReport.Action;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas on a Lease of the Kubernetes test API server, sharing a config store: a service that only the follower
 * uses ({@code backend}, whose manifest is a Pod and a ConfigMap) gets its manifest applied by the leader, which
 * never builds it, and the follower starts it once the pod is ready, writing nothing itself.
 */
class FollowerOnlyServiceTest {

    private final KubeTestServer server = new KubeTestServer();

    @AfterEach
    void stop() {
        server.close();
    }

    private Orchestrator replica(String name, MemoryHook shared) {
        return server.replica(name, "followeronly").hook(shared).build();
    }

    @Test
    void theLeaderAppliesTheManifestOfAServiceOnlyTheFollowerUsesAndBuildsNothing() throws Exception {
        MemoryHook shared = new MemoryHook(); // what a Redis store is to real replicas
        try (Orchestrator leader = replica("a", shared)) {
            leader.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> Leadership.of(leader).isLeader());
            try (Orchestrator follower = replica("b", shared)) {
                follower.start();
                assertThat(Leadership.of(follower).isLeader()).isFalse();
                assertThat(follower.svc("backend").hasFailed()).isTrue(); // its pod does not exist

                RegenerationReport.Entry waiting = follower.regenerate().entry("backend").orElseThrow();
                assertThat(waiting.action()).isEqualTo(Action.WAITING_FOR_LEADER);

                // The leader's cycle applies it (the pod is not ready yet: no controller runs here) ...
                RegenerationReport.Entry applying = leader.regenerate().entry("backend").orElseThrow();
                assertThat(applying.action()).isEqualTo(Action.WAITING_FOR_MANIFEST);
                assertThat(server.get("/api/v1/namespaces/jsorc/pods/backend")).isPresent();
                server.markPodReady("jsorc", "backend");

                // ... and once the pod is ready (seen by the leader's own loop or a forced cycle), the follower, which
                // wrote nothing, starts the service.
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    leader.regenerate();
                    follower.regenerate();
                    return follower.svc("backend").isRunning();
                });
                assertThat(follower.svc("backend").app()).isEqualTo("connected to pod backend");
                assertThat(server.requests(r -> r.isManifestWrite() && r.userAgent().equals("jsorc/b")))
                        .as("the follower wrote nothing to the cluster").isEmpty();
                assertThat(leader.status()).as("the leader built no backend").noneMatch(info -> info.name()
                        .equals("backend"));
            }
        }
    }
}
