package io.jsorc.kube;

import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import io.jsorc.ServiceState;
import io.jsorc.cluster.Leadership;
import io.jsorc.manifest.ApplyReport;
import io.jsorc.regen.RegenerationReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The kube module inside an orchestrator: the kube service, the regeneration loop's applier, applyYaml, DB regen. */
class KubeOrchestrationTest {

    private KubeTestServer server;
    private Orchestrator orchestrator;

    @BeforeEach
    void startServer() {
        server = new KubeTestServer();
    }

    @AfterEach
    void stop() {
        if (orchestrator != null) {
            orchestrator.close();
        }
        server.close();
    }

    private Orchestrator orchestrator(String... extraConfig) {
        Orchestrator.Builder builder = Orchestrator.builder()
                .config("KUBE_CONFIG", server.kubeConfig("jsorc"))
                // jsorc-services is on this module's test classpath (for the ECK test): keep its automated redis,
                // whose manifest the loop would apply here, out of these tests.
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 30, \"pre_loaded_services\": [\"kube\"]}");
        for (int i = 0; i + 1 < extraConfig.length; i += 2) {
            builder.config(extraConfig[i], extraConfig[i + 1]);
        }
        orchestrator = builder.build();
        return orchestrator;
    }

    @Test
    void kubeServiceRunsAgainstTheApiServerAndNoticesWhenItStops() {
        Orchestrator o = orchestrator().start();
        KubeService kube = o.svc("kube", KubeService.class);
        assertThat(kube.isRunning()).isTrue();
        assertThat(kube.namespace()).isEqualTo("jsorc");
        assertThat(kube.healthy()).isTrue();
        server.stop();
        assertThat(kube.healthy()).isFalse();
        server.restart();
        assertThat(kube.healthy()).isTrue();
    }

    @Test
    void restartSetsTheRolloutAnnotation() throws Exception {
        Orchestrator o = orchestrator().start();
        o.loadYaml(ResourceSyncTest.REDIS, "jsorc");
        o.svc("kube", KubeService.class).restart("jsorc-redis");
        Map<String, Object> deployment = server.get("/apis/apps/v1/namespaces/jsorc/deployments/jsorc-redis")
                .orElseThrow();
        assertThat(deployment.get("spec").toString()).contains("kubectl.kubernetes.io/restartedAt");
        assertThatThrownBy(() -> o.svc("kube", KubeService.class).restart("missing"))
                .isInstanceOf(KubeException.class).hasMessageContaining("jsorc/missing").hasMessageContaining("404");
    }

    @Test
    void regenerationAppliesTheManifestWaitsForThePodThenStartsTheService() throws Exception {
        Orchestrator o = orchestrator().start();
        io.micrometer.core.instrument.simple.SimpleMeterRegistry metrics =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        new io.jsorc.metrics.JsOrcMetrics(o).bindTo(metrics);
        CommonService<?> backend = o.svc("backend");
        assertThat(backend.hasFailed()).isTrue(); // its pod does not exist yet

        RegenerationReport first = o.regenerate();
        RegenerationReport.Entry waiting = first.entry("backend").orElseThrow();
        assertThat(waiting.action()).isEqualTo(RegenerationReport.Action.WAITING_FOR_MANIFEST);
        assertThat(waiting.detail()).contains("Pod jsorc/backend");
        assertThat(server.get("/api/v1/namespaces/jsorc/pods/backend")).isPresent();
        assertThat(server.get("/api/v1/namespaces/jsorc/configmaps/backend-config")).isPresent();
        assertThat(o.svc("backend").isRunning()).isFalse();
        assertThat(metrics.get("jsorc.manifest.apply").tag("kind", "Pod").tag("result", "CREATED").counter().count())
                .isEqualTo(1);

        server.markPodReady("jsorc", "backend");
        RegenerationReport second = o.regenerate();
        assertThat(second.entry("backend").orElseThrow().action()).isEqualTo(RegenerationReport.Action.REFRESHED);
        assertThat(o.svc("backend").isRunning()).isTrue();
        assertThat(o.svc("backend").app()).isEqualTo("connected to pod backend");
    }

    @Test
    void anUnreachableClusterHoldsServicesBackInsteadOfStartingThemAgainstNothing() throws Exception {
        Orchestrator o = orchestrator().start();
        assertThat(o.svc("backend").hasFailed()).isTrue();
        server.stop();
        // The kube service is automated: its failed health check takes it down...
        o.regenerate();
        assertThat(o.svc("kube").isRunning()).isFalse();
        // ...and while it is down the backend waits for its manifest rather than being started blindly.
        RegenerationReport again = o.regenerate();
        assertThat(again.entry("backend").orElseThrow().action()).isEqualTo(RegenerationReport.Action.WAITING_FOR_MANIFEST);
        assertThat(again.entry("backend").orElseThrow().detail()).contains("kube service is");
        server.restart();
        server.create("/api/v1/namespaces", Map.of("apiVersion", "v1", "kind", "Namespace",
                "metadata", Map.of("name", "jsorc")));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            o.regenerate();
            return o.svc("kube").isRunning() && server.get("/api/v1/namespaces/jsorc/pods/backend").isPresent();
        });
        server.markPodReady("jsorc", "backend");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            o.regenerate();
            return o.svc("backend").isRunning();
        });
    }

    @Test
    void applyYamlValidatesStoresAndRestarts() throws Exception {
        List<ServiceState> transitions = new CopyOnWriteArrayList<>();
        Orchestrator o = orchestrator();
        o.addListener((s, from, to, e) -> {
            if (s.equals("backend")) {
                transitions.add(to);
            }
        });
        o.start();
        String before = o.configGet("BACKEND_MANIFEST");

        assertThatThrownBy(() -> o.applyYaml("backend", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n"
                + "kind: ConfigMap\nmetadata: {name: no-version}\n", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("document #2")
                .hasMessageContaining("apiVersion");
        assertThatThrownBy(() -> o.applyYaml("backend", "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata.name");
        assertThatThrownBy(() -> o.applyYaml("backend", "key: [unclosed", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not parse");
        assertThatThrownBy(() -> o.applyYaml("kube", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("declares no manifest key");
        assertThat(o.configGet("BACKEND_MANIFEST")).isEqualTo(before);

        server.create("/api/v1/namespaces", Map.of("apiVersion", "v1", "kind", "Namespace",
                "metadata", Map.of("name", "jsorc")));
        server.create("/api/v1/namespaces/jsorc/pods", Map.of("apiVersion", "v1", "kind", "Pod",
                "metadata", Map.of("name", "backend"), "spec", Map.of("containers", List.of(Map.of("name", "b",
                        "image", "busybox")))));
        server.markPodReady("jsorc", "backend");
        CommonService<?> first = o.svc("backend");
        assertThat(first.isRunning()).isTrue();

        String yaml = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: backend-config}
                data: {mode: live}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: backend, labels: {app: backend}}
                spec: {containers: [{name: backend, image: busybox}]}
                """;
        o.applyYaml("backend", yaml, null);
        assertThat(transitions).contains(ServiceState.RESTART);
        await().atMost(Duration.ofSeconds(10)).until(() -> o.svc("backend") != first && o.svc("backend").isRunning());
        Map<String, Object> configMap = server.get("/api/v1/namespaces/jsorc/configmaps/backend-config").orElseThrow();
        assertThat(configMap.get("data")).isEqualTo(Map.of("mode", "live"));
    }

    @Test
    void remoteActionsDeployToTheClusterAndRetiringDeletesThem() throws Exception {
        Orchestrator o = orchestrator().start();
        io.jsorc.action.ActionManager actions = o.get("action_manager", io.jsorc.action.ActionManager.class);
        actions.config("echo", io.jsorc.action.ActionConfig.of(io.jsorc.kube.fixtures.Echo.class));
        io.jsorc.action.ActionStatus status = actions.load("echo", io.jsorc.action.ActionMode.REMOTE);
        assertThat(status.remoteStatus()).isEqualTo("STARTING");
        // The Service is applied after the Deployment: wait for both.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                server.get("/apis/apps/v1/namespaces/jsorc/deployments/jsorc-action-echo").isPresent()
                        && server.get("/api/v1/namespaces/jsorc/services/jsorc-action-echo").isPresent());
        assertThat(server.get("/api/v1/namespaces/jsorc/configmaps/jsorc-action-echo").orElseThrow().get("data"))
                .isEqualTo(Map.of("module", io.jsorc.kube.fixtures.Echo.class.getName()));
        assertThat(server.get("/apis/apps/v1/namespaces/jsorc/deployments/jsorc-action-echo").orElseThrow()
                .toString()).contains("io.jsorc.action.ActionServer").contains("jsorc-action-echo:latest")
                .containsPattern("secretKeyRef=\\{(name=jsorc-action-echo-token, key=token|key=token, "
                        + "name=jsorc-action-echo-token)}"); // Map.of's order differs from JVM to JVM
        // The pod gets its call token from a Secret, not from the pod spec's plain env.
        assertThat(server.get("/api/v1/namespaces/jsorc/secrets/jsorc-action-echo-token")).isPresent();
        assertThat(actions.status("echo").remoteUrl()).isEqualTo("http://jsorc-action-echo");
        // No pods run here (no controllers): it stays STARTING; retiring deletes what was deployed.
        assertThat(actions.unload("echo", io.jsorc.action.UnloadMode.REMOTE, true).success()).isTrue();
        assertThat(server.get("/apis/apps/v1/namespaces/jsorc/deployments/jsorc-action-echo")).isEmpty();
        assertThat(server.get("/api/v1/namespaces/jsorc/secrets/jsorc-action-echo-token")).as("token Secret retired")
                .isEmpty();
        assertThat(server.get("/api/v1/namespaces/jsorc/services/jsorc-action-echo")).isEmpty();
        assertThat(server.get("/api/v1/namespaces/jsorc/configmaps/jsorc-action-echo")).isEmpty();
    }

    @Test
    void apiDiscoveryRunsOncePerClientNotOncePerApply() throws Exception {
        Orchestrator o = orchestrator().start();
        String widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w%d}\nspec: {size: 1}\n";
        long before = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            o.loadYaml(String.format(widget, i), "tools"); // a kind outside the built-in table: found by discovery
        }
        // A round of discovery starts with GET /api (then /apis and each group-version, where the server has them).
        List<String> rounds = server.requests(r -> r.nanos() - before >= 0 && r.path().equals("/api")).stream()
                .map(RecordingDispatcher.Request::path).toList();
        System.out.println("discovery rounds for 3 applies of a custom kind: " + rounds.size());
        assertThat(rounds).as("the kube service's table is shared by every apply").hasSize(1);
    }

    @Test
    void loadYamlAppliesFreeStandingResources() throws Exception {
        Orchestrator o = orchestrator().start();
        ApplyReport report = o.loadYaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: loose}\ndata: {a: b}\n",
                "tools");
        assertThat(report.entry("ConfigMap", "loose").orElseThrow().action()).isEqualTo(ApplyReport.Action.CREATED);
        assertThat(server.get("/api/v1/namespaces/tools/configmaps/loose")).isPresent();
        assertThatThrownBy(() -> o.loadYaml("apiVersion: v1\nkind: ConfigMap\n", "tools"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata.name");
    }

    @Test
    void withoutAKubeServiceTheManifestStepIsSkipped() {
        Orchestrator o = Orchestrator.builder().config("KUBE_CONFIG", "{\"enabled\": false}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 30, \"pre_loaded_services\": []}").build();
        orchestrator = o;
        o.start();
        assertThat(o.svc("backend").hasFailed()).isTrue();
        RegenerationReport report = o.regenerate();
        // No cluster: straight to the refresh (which fails again: the pod is missing).
        assertThat(report.entry("backend").orElseThrow().action()).isEqualTo(RegenerationReport.Action.REFRESHED);
        assertThatThrownBy(() -> o.loadYaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "x"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("kube service running");
    }

    /** @return a loopback port nothing listens on (the "database" that is down) */
    /** A handler that adds each event to the list of its outcome. */
    private static DatabaseRecoveredHandler collecting(List<DatabaseRegenerationEvent> recovered,
                                                       List<DatabaseRegenerationEvent> gaveUp) {
        return new DatabaseRecoveredHandler() {
            @Override
            public void recovered(DatabaseRegenerationEvent event) {
                recovered.add(event);
            }

            @Override
            public void gaveUp(DatabaseRegenerationEvent event) {
                gaveUp.add(event);
            }
        };
    }

    private static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @Test
    void databaseRegenerationAppliesTheManifestAndTellsTheHostWhenThePortOpens() throws Exception {
        int port = closedPort();
        List<DatabaseRegenerationEvent> recovered = new CopyOnWriteArrayList<>();
        List<DatabaseRegenerationEvent> gaveUp = new CopyOnWriteArrayList<>();
        Orchestrator o = orchestrator("DB_REGEN_CONFIG", "{\"enabled\": true, \"host\": \"127.0.0.1\", \"port\": "
                        + port + ", \"timeout_ms\": 200, \"deadline_ms\": 30000, \"poll_ms\": 50}",
                "DB_REGEN_MANIFEST", "{\"StatefulSet\": {\"postgres\": {\"apiVersion\": \"apps/v1\", \"kind\": "
                        + "\"StatefulSet\", \"metadata\": {\"name\": \"postgres\"}, \"spec\": {\"replicas\": 1}}}}");
        DatabaseRegeneration.handler(o, collecting(recovered, gaveUp));
        o.start();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                server.get("/apis/apps/v1/namespaces/jsorc/statefulsets/postgres").isPresent());
        Thread.sleep(300);
        assertThat(recovered).isEmpty();
        try (ServerSocket database = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            await().atMost(Duration.ofSeconds(15)).until(() -> recovered.size() == 1);
            DatabaseRegenerationEvent event = recovered.get(0);
            assertThat(event.recovered()).isTrue();
            assertThat(event.port()).isEqualTo(port);
            assertThat(event.applied().entry("StatefulSet", "postgres").orElseThrow().action())
                    .isEqualTo(ApplyReport.Action.CREATED);
            assertThat(event.probes()).isGreaterThan(1);
        }
        Thread.sleep(300);
        assertThat(recovered).hasSize(1);
        assertThat(gaveUp).isEmpty();
        assertThat(o.isStarted()).isTrue();
    }

    @Test
    void aDatabaseManifestApplyThatFailedIsRetriedWithinTheDeadline() throws Exception {
        int port = closedPort();
        List<DatabaseRegenerationEvent> recovered = new CopyOnWriteArrayList<>();
        List<DatabaseRegenerationEvent> gaveUp = new CopyOnWriteArrayList<>();
        // The first write of the StatefulSet meets a failing API server (a webhook timing out, say).
        server.failNext(request -> request.isWrite() && request.path().contains("statefulsets"), 500, 1);
        Orchestrator o = orchestrator("DB_REGEN_CONFIG", "{\"enabled\": true, \"host\": \"127.0.0.1\", \"port\": "
                        + port + ", \"timeout_ms\": 200, \"deadline_ms\": 30000, \"poll_ms\": 50}",
                "DB_REGEN_MANIFEST", "{\"StatefulSet\": {\"postgres\": {\"apiVersion\": \"apps/v1\", \"kind\": "
                        + "\"StatefulSet\", \"metadata\": {\"name\": \"postgres\"}, \"spec\": {\"replicas\": 1}}}}");
        DatabaseRegeneration.handler(o, collecting(recovered, gaveUp));
        long t0 = System.nanoTime();
        o.start();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                server.get("/apis/apps/v1/namespaces/jsorc/statefulsets/postgres").isPresent());
        System.out.printf("StatefulSet in place %d ms after the start, its first write refused with 500; writes: %s%n",
                (System.nanoTime() - t0) / 1_000_000, server.requests(r -> r.isWrite()
                        && r.path().contains("statefulsets")).stream().map(r -> r.method() + " " + r.status())
                        .toList());
        try (ServerSocket database = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            await().atMost(Duration.ofSeconds(15)).until(() -> recovered.size() == 1);
            assertThat(recovered.get(0).applied().ok()).as("the report the event carries is the apply that worked")
                    .isTrue();
        }
        assertThat(gaveUp).isEmpty();
    }

    @Test
    void theDatabaseIsWatchedAfterTheStartAndRegeneratedWhenItStopsAnswering() throws Exception {
        int port = closedPort();
        List<DatabaseRegenerationEvent> recovered = new CopyOnWriteArrayList<>();
        try (ServerSocket database = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            Orchestrator o = orchestrator("DB_REGEN_CONFIG", "{\"enabled\": true, \"host\": \"127.0.0.1\", "
                            + "\"port\": " + port + ", \"timeout_ms\": 200, \"poll_ms\": 50, \"watch_ms\": 100}",
                    "DB_REGEN_MANIFEST", POSTGRES);
            DatabaseRegeneration.handler(o, recovered::add);
            o.start();
            Thread.sleep(400);
            assertThat(server.get("/apis/apps/v1/namespaces/jsorc/statefulsets/postgres"))
                    .as("nothing applied while the database answers").isEmpty();
        }
        // The database stops answering after the start: the watch applies the manifest.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                server.get("/apis/apps/v1/namespaces/jsorc/statefulsets/postgres").isPresent());
        assertThat(recovered).isEmpty();
        try (ServerSocket database = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            await().atMost(Duration.ofSeconds(15)).until(() -> recovered.size() == 1);
            assertThat(recovered.get(0).applied().entry("StatefulSet", "postgres").orElseThrow().action())
                    .isEqualTo(ApplyReport.Action.CREATED);
        }
    }

    @Test
    void aDatabaseThatComesBackAfterItsRegenerationGaveUpIsReportedRecovered() throws Exception {
        int port = closedPort();
        List<DatabaseRegenerationEvent> events = new CopyOnWriteArrayList<>();
        Orchestrator o = orchestrator("DB_REGEN_CONFIG", "{\"enabled\": true, \"host\": \"127.0.0.1\", \"port\": "
                + port + ", \"timeout_ms\": 200, \"poll_ms\": 50, \"deadline_ms\": 300, \"watch_ms\": 100}",
                "DB_REGEN_MANIFEST", POSTGRES);
        DatabaseRegeneration.handler(o, collecting(events, events));
        o.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
        assertThat(events.get(0).recovered()).isFalse();
        try (ServerSocket database = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(
                    DatabaseRegenerationEvent::recovered));
        }
        DatabaseRegenerationEvent back = events.stream().filter(DatabaseRegenerationEvent::recovered).findFirst()
                .orElseThrow();
        assertThat(back.detail()).contains("after its regeneration had given up");
        assertThat(back.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aReplicaStartingWhileTheDatabaseIsDownIsNotLeftWaitingForALeaderThatStartedEarlier() throws Exception {
        int port = closedPort();
        String dbRegen = "{\"enabled\": true, \"host\": \"127.0.0.1\", \"port\": " + port + ", \"timeout_ms\": 200, "
                + "\"poll_ms\": 50, \"watch_ms\": 200, \"deadline_ms\": 30000}";
        List<DatabaseRegenerationEvent> followerSaw = new CopyOnWriteArrayList<>();
        try (ServerSocket database = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
             Orchestrator leader = replica("a", dbRegen)) {
            leader.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> Leadership.of(leader).isLeader());
            database.close(); // the database goes down while the leader runs...
            try (Orchestrator follower = replica("b", dbRegen)) {
                DatabaseRegeneration.handler(follower, followerSaw::add);
                follower.start(); // ...and a replica starts: it follows, and waits for the leader to regenerate
                assertThat(Leadership.of(follower).isLeader()).isFalse();
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        server.get("/apis/apps/v1/namespaces/jsorc/statefulsets/postgres").isPresent());
                assertThat(server.requests(r -> r.isManifestWrite() && r.userAgent().equals("jsorc/b")))
                        .as("the follower wrote nothing to the cluster").isEmpty();
                try (ServerSocket back = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
                    await().atMost(Duration.ofSeconds(15)).until(() -> followerSaw.size() == 1);
                    assertThat(followerSaw.get(0).recovered()).isTrue();
                    assertThat(followerSaw.get(0).applied()).as("the leader applied, not the follower").isNull();
                }
            }
        }
    }

    private Orchestrator replica(String name, String dbRegen) {
        return server.replica(name, "dbregen")
                .config("DB_REGEN_CONFIG", dbRegen)
                .config("DB_REGEN_MANIFEST", POSTGRES)
                .build();
    }

    private static final String POSTGRES = "{\"StatefulSet\": {\"postgres\": {\"apiVersion\": \"apps/v1\", "
            + "\"kind\": \"StatefulSet\", \"metadata\": {\"name\": \"postgres\"}, \"spec\": {\"replicas\": 1}}}}";

    @Test
    void databaseRegenerationGivesTheHostAnEventWhenTheDeadlinePasses() throws IOException {
        int port = closedPort();
        List<DatabaseRegenerationEvent> gaveUp = new CopyOnWriteArrayList<>();
        Orchestrator o = orchestrator("DB_REGEN_CONFIG", "{\"enabled\": true, \"host\": \"127.0.0.1\", \"port\": "
                        + port + ", \"timeout_ms\": 100, \"deadline_ms\": 800, \"poll_ms\": 50}",
                "DB_REGEN_MANIFEST", "{\"StatefulSet\": {\"postgres\": {\"apiVersion\": \"apps/v1\", \"kind\": "
                        + "\"StatefulSet\", \"metadata\": {\"name\": \"postgres\"}}}}");
        DatabaseRegeneration.handler(o, new DatabaseRecoveredHandler() {
            @Override
            public void recovered(DatabaseRegenerationEvent event) {
                throw new AssertionError("must not recover");
            }

            @Override
            public void gaveUp(DatabaseRegenerationEvent event) {
                gaveUp.add(event);
            }
        });
        o.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> gaveUp.size() == 1);
        assertThat(gaveUp.get(0).recovered()).isFalse();
        assertThat(gaveUp.get(0).detail()).contains("did not answer within 800 ms");
        assertThat(o.isStarted()).isTrue(); // the host decides; nothing exits
        assertThat(o.svc("kube").isRunning()).isTrue();
    }
}
