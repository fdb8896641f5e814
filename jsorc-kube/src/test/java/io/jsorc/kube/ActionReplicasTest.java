package io.jsorc.kube;

import io.jsorc.Orchestrator;
import io.jsorc.action.ActionConfig;
import io.jsorc.action.ActionManager;
import io.jsorc.action.ActionMode;
import io.jsorc.action.remote.ProcessActionLauncher;
import io.jsorc.action.remote.RemoteActionLauncher;
import io.jsorc.cluster.Leadership;
import io.jsorc.kube.RecordingDispatcher.Request;
import io.jsorc.kube.fixtures.Echo;
import io.jsorc.test.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Actions across replicas (two orchestrators electing a leader on the test API server's Lease, sharing a real Redis
 * as their config store): one Kubernetes action server per module, created and retired by the leader only, its token
 * read by followers from its Secret and never stored in the config store; placement policies run on the leader,
 * which publishes placements that the followers follow.
 */
class ActionReplicasTest {

    private static final String NS = "/api/v1/namespaces/jsorc";
    private static final String DEPLOYMENT = "/apis/apps/v1/namespaces/jsorc/deployments/jsorc-action-actions-calc";
    private static final String SECRET = NS + "/secrets/jsorc-action-actions-calc-token";

    private KubeTestServer server;
    private RedisServer redis;
    private final List<Orchestrator> replicas = new ArrayList<>();
    private final List<ActionManager> managers = new ArrayList<>();

    @BeforeEach
    void start() {
        server = new KubeTestServer();
        redis = RedisServer.startNew();
    }

    @AfterEach
    void stop() {
        managers.forEach(ActionManager::close);
        replicas.forEach(Orchestrator::close);
        server.close();
        redis.close();
    }

    private Orchestrator replica(String name) {
        return replica(name, Orchestrator.builder().scanPackages());
    }

    private Orchestrator replica(String name, Orchestrator.Builder builder) {
        Orchestrator orchestrator = builder
                .config("KUBE_CONFIG", "{\"enabled\": true, \"namespace\": \"jsorc\", \"in_cluster\": false, "
                        + "\"base_path\": \"" + server.basePath() + "\", \"timeout_ms\": 3000, "
                        + "\"user_agent\": \"jsorc/" + name + "\"}")
                .config("REDIS_CONFIG", redis.redisConfig())
                .config("JSORC_CONFIG", "{\"backoff_interval\": 30, \"pre_loaded_services\": [\"kube\"], "
                        + "\"leader_election\": {\"mode\": \"kube\", \"lease_duration_ms\": 2000, "
                        + "\"renew_deadline_ms\": 1000, \"retry_period_ms\": 500, \"app\": \"actions\"}}")
                .build().start();
        replicas.add(orchestrator);
        return orchestrator;
    }

    private List<Request> writesBy(String replica, long sinceNanos) {
        return server.requests(r -> r.nanos() - sinceNanos >= 0 && r.isManifestWrite()
                && r.userAgent().equals("jsorc/" + replica));
    }

    @Test
    void theLeaderAloneCreatesAndRetiresASharedServerAndFollowersReadItsTokenFromTheSecret() throws Exception {
        Orchestrator a = replica("a");
        await().atMost(Duration.ofSeconds(30)).until(() -> Leadership.of(a).isLeader());
        Orchestrator b = replica("b");
        assertThat(Leadership.of(b).isLeader()).isFalse();
        KubeActionLauncher launcher = new KubeActionLauncher();
        ActionConfig config = new ActionConfig("com.example.Calc", null, 0, Map.of("image", "calc:1",
                "timeout_ms", 5000));
        long t0 = System.nanoTime();

        // The follower loads first: it writes nothing, the leader's pass creates the server, the follower reads
        // the token from its Secret.
        RemoteActionLauncher.Remote onB = launcher.launch("calc", config, b);
        System.out.printf("follower got the shared server after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(writesBy("b", t0)).as("the follower writes nothing to the cluster").isEmpty();
        assertThat(writesBy("a", t0)).as("the leader created the server").isNotEmpty();
        assertThat(server.get(DEPLOYMENT)).isPresent();
        assertThat(server.get(SECRET).orElseThrow().toString()).contains(onB.token());

        // The leader loads it too: same server, same token, nothing rewritten.
        long second = System.nanoTime();
        RemoteActionLauncher.Remote onA = launcher.launch("calc", config, a);
        assertThat(onA.token()).isEqualTo(onB.token());
        assertThat(onA.url()).isEqualTo(onB.url()).isEqualTo("http://jsorc-action-actions-calc");
        assertThat(writesBy("a", second)).as("re-applying an unchanged server writes nothing").isEmpty();
        // The config store knows who holds it, and never the token.
        Map<String, Map<String, Object>> holders = SharedActionServers.of(a).read();
        assertThat(holders).containsOnlyKeys("calc");
        assertThat((Map<?, ?>) holders.get("calc").get("holders")).hasSize(2);
        assertThat(redis.command("HGETALL " + io.jsorc.services.redis.RedisHook.HASH)).doesNotContain(onB.token());

        // The leader unloads: the follower still holds it, so the server stays.
        launcher.retire(onA);
        Thread.sleep(2 * SharedActionServers.HEARTBEAT.toMillis() + 500);
        assertThat(server.get(DEPLOYMENT)).as("retired only when no replica holds it").isPresent();

        // The follower unloads: it deletes nothing itself; the leader's pass retires the server.
        long last = System.nanoTime();
        launcher.retire(onB);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> server.get(DEPLOYMENT).isEmpty() && server.get(SECRET).isEmpty());
        System.out.printf("the leader retired the unheld server %d ms after the last holder let go%n",
                (System.nanoTime() - last) / 1_000_000);
        assertThat(writesBy("b", t0)).as("the follower never wrote").isEmpty();
        assertThat(writesBy("a", last)).extracting(Request::method).contains("DELETE");
        await().atMost(Duration.ofSeconds(10)).until(() -> SharedActionServers.of(a).read().isEmpty());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aHolderThatStoppedRefreshingDoesNotKeepTheServer() throws Exception {
        Orchestrator a = replica("a");
        await().atMost(Duration.ofSeconds(30)).until(() -> Leadership.of(a).isLeader());
        KubeActionLauncher launcher = new KubeActionLauncher();
        RemoteActionLauncher.Remote remote = launcher.launch("calc", new ActionConfig("com.example.Calc", null, 0,
                Map.of()), a);
        assertThat(server.get(DEPLOYMENT)).isPresent();
        // A replica that held it was killed minutes ago: its holding was never released, only no longer refreshed.
        long longAgo = System.currentTimeMillis() - 5 * SharedActionServers.STALE.toMillis();
        a.src("hook", io.jsorc.config.Hook.class).updateGlob(SharedActionServers.KEY, json -> {
            Map<String, Object> entries = new java.util.LinkedHashMap<>(io.jsorc.base.Json.parseObject(json, "test"));
            Map<String, Object> calc = new java.util.LinkedHashMap<>((Map<String, Object>) entries.get("calc"));
            Map<String, Object> holders = new java.util.LinkedHashMap<>((Map<String, Object>) calc.get("holders"));
            holders.put("killed-replica", longAgo);
            calc.put("holders", holders);
            entries.put("calc", calc);
            return io.jsorc.base.Json.write(entries);
        }, io.jsorc.config.Durability.REQUIRED);

        long t0 = System.nanoTime();
        launcher.retire(remote);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.get(DEPLOYMENT).isEmpty());
        System.out.printf("server retired %d ms after the last live holder let go (a stale holder left)%n",
                (System.nanoTime() - t0) / 1_000_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> SharedActionServers.of(a).read().isEmpty());
    }

    @Test
    void aFollowerWithAPrivateConfigStoreIsToldAtOnceWhyItCannotShareAServer() throws Exception {
        Orchestrator a = replica("a", Orchestrator.builder().scanPackages().hook(new io.jsorc.config.MemoryHook()));
        await().atMost(Duration.ofSeconds(30)).until(() -> Leadership.of(a).isLeader());
        Orchestrator b = replica("b", Orchestrator.builder().scanPackages().hook(new io.jsorc.config.MemoryHook()));
        long t0 = System.nanoTime();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KubeActionLauncher().launch("calc",
                        new ActionConfig("com.example.Calc", null, 0, Map.of()), b))
                .isInstanceOf(KubeException.class).hasMessageContaining("config store is private")
                .hasMessageContaining("REDIS_CONFIG");
        assertThat((System.nanoTime() - t0) / 1_000_000).as("told at once, not after the start timeout")
                .isLessThan(20_000);
        assertThat(writesBy("b", t0)).isEmpty();
        // The leader, alone with its private store, still deploys its own server.
        RemoteActionLauncher.Remote own = new KubeActionLauncher().launch("calc",
                new ActionConfig("com.example.Calc", null, 0, Map.of()), a);
        assertThat(server.get(DEPLOYMENT)).isPresent();
        new KubeActionLauncher().retire(own);
        assertThat(server.get(DEPLOYMENT)).isEmpty();
    }

    @Test
    void aPolicyChosenOnAFollowerRunsOnTheLeaderAndTheFollowerRoutesAsPublished() throws Exception {
        Orchestrator a = replica("a");
        await().atMost(Duration.ofSeconds(30)).until(() -> Leadership.of(a).isLeader());
        Orchestrator b = replica("b");
        ActionManager onA = manager(a);
        ActionManager onB = manager(b);
        for (ActionManager manager : List.of(onA, onB)) {
            manager.config("echo", ActionConfig.of(Echo.class));
            manager.load("echo", ActionMode.LOCAL);
        }
        AtomicBoolean calling = new AtomicBoolean(true);
        Thread requests = new Thread(() -> {
            while (calling.get()) {
                try (var request = onA.request("test", "echo")) {
                    onA.call("echo.echo", "hi");
                } catch (RuntimeException e) {
                    // a placement switch under way; the policy measures what succeeds
                }
                Thread.onSpinWait();
            }
        }, "test-requests");
        requests.start();
        try {
            // Chosen on the follower: published, adopted by the leader, which alone runs it.
            onB.policy("Evaluation", Map.of("perf_phase", 0.2, "eval_phase", 1.5, "tick_ms", 50,
                    "node_mem_mb", 8192, "jsorc_mem_mb", 256));
            await().atMost(Duration.ofSeconds(10)).until(() -> "Evaluation".equals(onA.policy().get("name")));
            assertThat(onA.policy()).containsEntry("role", "leader");
            assertThat(onB.policy()).containsEntry("role", "follower").containsEntry("name", "Evaluation");

            // While the leader evaluates the remote placement, the follower moves there too.
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                    .until(() -> onB.status("echo").mode() == ActionMode.REMOTE);
            System.out.printf("follower routed echo remotely as published %d ms after the choice%n",
                    (System.nanoTime() - t0) / 1_000_000);
            await().atMost(Duration.ofSeconds(90)).until(() -> evaluations(onA) >= 1);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> onA.status("echo").mode() == onB.status("echo").mode());
            System.out.printf("after the leader's evaluation: leader %s, follower %s, leader params %s%n",
                    onA.status("echo").mode(), onB.status("echo").mode(), onA.policy().get("params"));
            assertThat(evaluations(onB)).as("the follower runs no evaluation of its own").isZero();
            assertThat(new TreeMap<>(Map.of("echo", onB.status("echo").mode().name())))
                    .isEqualTo(new io.jsorc.action.policy.PlacementBoard(() -> a.src("hook",
                            io.jsorc.config.Hook.class)).read().orElseThrow().placements());

            // The leader goes: the follower leads and runs the policy itself.
            calling.set(false);
            requests.join();
            onA.close();
            managers.remove(onA);
            a.close();
            await().atMost(Duration.ofSeconds(15)).until(() -> Leadership.of(b).isLeader());
            await().atMost(Duration.ofSeconds(10)).until(() -> "leader".equals(onB.policy().get("role")));
            assertThat(onB.policy()).containsEntry("name", "Evaluation");
        } finally {
            calling.set(false);
            requests.join();
        }
    }

    private ActionManager manager(Orchestrator orchestrator) {
        ActionManager manager = new ActionManager(new ProcessActionLauncher());
        manager.attach(orchestrator);
        managers.add(manager);
        return manager;
    }

    private static int evaluations(ActionManager manager) {
        Object params = manager.policy().get("params");
        return params instanceof Map<?, ?> map && map.get("evaluations") instanceof Number n ? n.intValue() : 0;
    }
}
