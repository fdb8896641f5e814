package io.jsorc.kube;

import io.jsorc.manifest.Manifest;
import io.jsorc.config.MemoryHook;
import io.jsorc.manifest.ApplyReport;
import io.jsorc.manifest.ApplyReport.Action;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Apply semantics against a real Kubernetes HTTP API (fabric8 CRUD server), through the official client. */
class ResourceSyncTest {

    static final String REDIS = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: jsorc-redis-config}
            data: {maxmemory: 64mb}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: jsorc-redis}
            spec:
              selector: {app: jsorc-redis}
              ports: [{port: 6379}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: jsorc-redis}
            spec:
              replicas: 1
              selector: {matchLabels: {app: jsorc-redis}}
              template:
                metadata: {labels: {app: jsorc-redis}}
                spec: {containers: [{name: redis, image: "redis:7.0"}]}
            """;

    private KubeTestServer server;
    private ApiClient client;
    private MemoryHook hook;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() {
        server = new KubeTestServer();
        client = new ClientBuilder().setBasePath(server.basePath()).build();
        client.setReadTimeout(2000);
        client.setConnectTimeout(1000);
        hook = new MemoryHook();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ResourceSync apply() {
        return new ResourceSync(client, hook, env::get);
    }

    private static Map<Action, List<String>> byAction(ApplyReport report) {
        return report.entries().stream().collect(Collectors.groupingBy(ApplyReport.Entry::action,
                Collectors.mapping(e -> e.kind() + "/" + e.name(), Collectors.toList())));
    }

    @Test
    void createsEverythingOnceThenChangesNothing() throws Exception {
        ApplyReport first = apply().apply("REDIS_MANIFEST", "redis", Manifest.parseYaml(REDIS), "jsorc");
        assertThat(byAction(first)).containsOnlyKeys(Action.CREATED);
        assertThat(byAction(first).get(Action.CREATED)).containsExactly("Namespace/jsorc",
                "ConfigMap/jsorc-redis-config", "Service/jsorc-redis", "Deployment/jsorc-redis");
        Map<String, Object> deployment = server.get("/apis/apps/v1/namespaces/jsorc/deployments/jsorc-redis")
                .orElseThrow();
        assertThat(deployment.toString()).contains("config_version=");

        ApplyReport second = apply().apply("REDIS_MANIFEST", "redis", Manifest.parseYaml(REDIS), "jsorc");
        assertThat(byAction(second)).containsOnlyKeys(Action.UNCHANGED);
        assertThat(second.entries()).hasSize(3);
    }

    @Test
    void aNewResourceIsCreatedThroughServerSideApplyAsItsUpdatesAre() throws Exception {
        long t0 = System.nanoTime();
        ApplyReport first = apply().apply("REDIS_MANIFEST", "redis", Manifest.parseYaml(REDIS), "jsorc");
        assertThat(byAction(first).get(Action.CREATED)).contains("ConfigMap/jsorc-redis-config");
        // The apply comes first, as the field manager's Apply: a plain create would leave the fields to an Update
        // entry a later apply does not own. The test API server has no server-side apply: a plain create follows.
        List<String> writes = server.requests(r -> r.nanos() - t0 >= 0 && r.path().contains("configmaps/jsorc-redis-config")
                || r.nanos() - t0 >= 0 && r.method().equals("POST") && r.path().contains("/configmaps?")
                || r.nanos() - t0 >= 0 && r.method().equals("POST") && r.path().endsWith("/configmaps"))
                .stream().filter(r -> !r.method().equals("GET")).map(r -> r.method() + " " + r.path()).toList();
        System.out.println("writes creating the ConfigMap: " + writes);
        assertThat(writes).anySatisfy(write -> assertThat(write)
                .startsWith("PATCH /api/v1/namespaces/jsorc/configmaps/jsorc-redis-config?")
                .contains("fieldManager=jsorc").contains("force=true"));
    }

    @Test
    void aChangedFieldUpdatesOnlyThatResource() throws Exception {
        apply().apply("REDIS_MANIFEST", "redis", Manifest.parseYaml(REDIS), "jsorc");
        String before = labels("/api/v1/namespaces/jsorc/configmaps/jsorc-redis-config");
        ApplyReport report = apply().apply("REDIS_MANIFEST", "redis",
                Manifest.parseYaml(REDIS.replace("maxmemory: 64mb", "maxmemory: 128mb")), "jsorc");
        assertThat(byAction(report).get(Action.UPDATED)).containsExactly("ConfigMap/jsorc-redis-config");
        assertThat(byAction(report).get(Action.UNCHANGED)).containsExactly("Service/jsorc-redis",
                "Deployment/jsorc-redis");
        Map<String, Object> configMap = server.get("/api/v1/namespaces/jsorc/configmaps/jsorc-redis-config").orElseThrow();
        assertThat(configMap.get("data")).isEqualTo(Map.of("maxmemory", "128mb"));
        assertThat(labels("/api/v1/namespaces/jsorc/configmaps/jsorc-redis-config")).isNotEqualTo(before);
    }

    @Test
    void fieldsRemovedFromTheManifestAreRemovedFromTheObject() throws Exception {
        String two = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, annotations: {keep: 'yes', drop: 'x'}}\n"
                + "data: {a: '1', b: '2'}\n";
        apply().apply("C", null, Manifest.parseYaml(two), "jsorc");
        Object versionBefore = ((Map<?, ?>) server.get("/api/v1/namespaces/jsorc/configmaps/cm").orElseThrow()
                .get("metadata")).get("resourceVersion");
        ApplyReport same = apply().apply("C", null, Manifest.parseYaml(two), "jsorc");
        assertThat(same.entry("ConfigMap", "cm").orElseThrow().action()).isEqualTo(Action.UNCHANGED);
        assertThat(((Map<?, ?>) server.get("/api/v1/namespaces/jsorc/configmaps/cm").orElseThrow().get("metadata"))
                .get("resourceVersion")).as("nothing was written").isEqualTo(versionBefore);

        String one = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, annotations: {keep: 'yes'}}\n"
                + "data: {a: '1'}\n";
        assertThat(apply().apply("C", null, Manifest.parseYaml(one), "jsorc").entry("ConfigMap", "cm").orElseThrow()
                .action()).isEqualTo(Action.UPDATED);
        Map<String, Object> live = server.get("/api/v1/namespaces/jsorc/configmaps/cm").orElseThrow();
        assertThat(live.get("data")).isEqualTo(Map.of("a", "1"));
        assertThat(((Map<?, ?>) live.get("metadata")).get("annotations")).isEqualTo(Map.of("keep", "yes"));
    }

    private String labels(String path) throws Exception {
        return ((Map<?, ?>) server.get(path).orElseThrow().get("metadata")).get("labels").toString();
    }

    @Test
    void removedResourcesAreDeletedButDataIsProtected() throws Exception {
        String withPvc = REDIS + """
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: redis-data}
                spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
                """;
        apply().apply("REDIS_MANIFEST", "redis", Manifest.parseYaml(withPvc), "jsorc");
        assertThat(server.get("/api/v1/namespaces/jsorc/persistentvolumeclaims/redis-data")).isPresent();

        String withoutConfigMapAndPvc = REDIS.substring(REDIS.indexOf("---") + 4);
        ApplyReport removed = apply().apply("REDIS_MANIFEST", "redis", Manifest.parseYaml(withoutConfigMapAndPvc),
                "jsorc");
        assertThat(byAction(removed).get(Action.DELETED)).containsExactly("ConfigMap/jsorc-redis-config");
        assertThat(byAction(removed).get(Action.KEPT_PROTECTED)).containsExactly("PersistentVolumeClaim/redis-data");
        assertThat(removed.entry("PersistentVolumeClaim", "redis-data").orElseThrow().error())
                .contains("unsafe paraphrase");
        assertThat(server.get("/api/v1/namespaces/jsorc/configmaps/jsorc-redis-config")).isEmpty();
        assertThat(server.get("/api/v1/namespaces/jsorc/persistentvolumeclaims/redis-data")).isPresent();

        ApplyReport wrongPhrase = apply().apply("REDIS_MANIFEST", "redis",
                Manifest.parseYaml(withoutConfigMapAndPvc).withUnsafeParaphrase("i know what i'm doing"), "jsorc");
        assertThat(byAction(wrongPhrase).get(Action.KEPT_PROTECTED)).containsExactly("PersistentVolumeClaim/redis-data");

        ApplyReport unsafe = apply().apply("REDIS_MANIFEST", "redis",
                Manifest.parseYaml(withoutConfigMapAndPvc).withUnsafeParaphrase("I know what I'm doing!"), "jsorc");
        assertThat(byAction(unsafe).get(Action.DELETED)).containsExactly("PersistentVolumeClaim/redis-data");
        assertThat(server.get("/api/v1/namespaces/jsorc/persistentvolumeclaims/redis-data")).isEmpty();
    }

    @Test
    void namespaceRules() throws Exception {
        String yaml = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: moved, namespace: elsewhere}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: dedicated, namespace: jsorc-dedicated-x}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: reader, namespace: ignored}
                rules: []
                """;
        ApplyReport moved = apply().apply("M", "svc", Manifest.parseYaml(yaml), "jsorc");
        assertThat(byAction(moved).get(Action.CREATED)).contains("Namespace/jsorc", "Namespace/jsorc-dedicated-x");
        assertThat(server.get("/api/v1/namespaces/jsorc/configmaps/moved")).isPresent();
        assertThat(server.get("/api/v1/namespaces/jsorc-dedicated-x/configmaps/dedicated")).isPresent();
        assertThat(server.get("/apis/rbac.authorization.k8s.io/v1/clusterroles/reader")).isPresent();

        env.put("SVC_NAMESPACE", "SOURCE");
        apply().apply("M2", "svc", Manifest.parseYaml(yaml), "jsorc");
        assertThat(server.get("/api/v1/namespaces/elsewhere/configmaps/moved")).isPresent();
        assertThat(server.get("/api/v1/namespaces/elsewhere")).isPresent(); // created because missing

        env.put("SVC_NAMESPACE", "explicit");
        apply().apply("M3", "svc", Manifest.parseYaml(yaml), "jsorc");
        assertThat(server.get("/api/v1/namespaces/explicit/configmaps/moved")).isPresent();
        assertThat(server.get("/api/v1/namespaces/jsorc-dedicated-x/configmaps/dedicated")).isPresent();
    }

    @Test
    void placeholdersResolveAgainstTheManifest() throws Exception {
        String yaml = """
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: robot}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: robot-binding}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects:
                  - kind: ServiceAccount
                    name: $j{ServiceAccount["robot"].metadata.name}
                    namespace: $j{ServiceAccount["robot"].metadata.namespace}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: note}
                data:
                  text: 'bound to $j{ClusterRoleBinding["robot-binding"].subjects.0.namespace}'
                  $j{ServiceAccount["robot"].metadata.name}-key: "k"
                """;
        apply().apply("P", "svc", Manifest.parseYaml(yaml), "team-a");
        Map<String, Object> binding = server.get(
                "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/robot-binding").orElseThrow();
        assertThat(binding.get("subjects").toString()).contains("name=robot").contains("namespace=team-a");
        Map<String, Object> note = server.get("/api/v1/namespaces/team-a/configmaps/note").orElseThrow();
        assertThat(note.get("data")).isEqualTo(Map.of("text", "bound to team-a", "robot-key", "k"));

        assertThatThrownBy(() -> apply().apply("P", "svc", Manifest.parseYaml("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: broken}
                data: {x: "$j{Secret[\\"missing\\"].data.y}"}
                """), "team-a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$j{Secret[\"missing\"].data.y}").hasMessageContaining("not in the manifest");
    }

    @Test
    void aMalformedPlaceholderIsNamedByWhereItIsNeverByTheValue() {
        assertThatThrownBy(() -> apply().apply("P", "svc", Manifest.parseYaml("""
                apiVersion: v1
                kind: Secret
                metadata: {name: db}
                stringData: {password: "hunter2-$j{not a placeholder"}
                """), "team-a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Malformed manifest placeholder in Secret 'db'.stringData.password")
                .message().doesNotContain("hunter2");
    }

    @Test
    void placeholdersThatMultiplySubtreesStopAtTheNodeBudgetBeforeAnythingIsSent() throws Exception {
        // Each level copies the one below four times: 8 levels of a 10-key map are 10 * 4^8 = 655,360 nodes.
        StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: l0}\ndata: {");
        for (int k = 0; k < 10; k++) {
            yaml.append(k == 0 ? "" : ", ").append("k").append(k).append(": v");
        }
        yaml.append("}\n");
        for (int level = 1; level <= 8; level++) {
            String below = "$j{ConfigMap[\"l" + (level - 1) + "\"].data}";
            yaml.append("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: l").append(level).append("}\ndata:\n");
            for (int copy = 0; copy < 4; copy++) {
                yaml.append("  c").append(copy).append(": '").append(below).append("'\n");
            }
        }
        Manifest manifest = Manifest.parseYaml(yaml.toString());
        assertThatThrownBy(() -> apply().resolve(manifest, "svc", "team-a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit of "
                        + ManifestResolver.MAX_NODES + " nodes");
        assertThat(server.get("/api/v1/namespaces/team-a/configmaps/l0")).isEmpty();
    }

    @Test
    void theShippedRedisManifestIsClosedByDefault() throws Exception {
        String shipped = new String(getClass().getClassLoader()
                .getResourceAsStream("META-INF/jsorc/defaults/REDIS_MANIFEST.yaml").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        ApplyReport report = apply().apply("REDIS_MANIFEST", "redis", Manifest.parseYaml(shipped), "jsorc");
        assertThat(byAction(report).get(Action.CREATED)).contains("PersistentVolumeClaim/jsorc-redis-data",
                "NetworkPolicy/jsorc-redis", "Deployment/jsorc-redis");
        String deployment = server.get("/apis/apps/v1/namespaces/jsorc/deployments/jsorc-redis").orElseThrow()
                .toString();
        // requirepass from a Secret reference: the password is in no pod spec and no config value
        assertThat(deployment).contains("--requirepass").contains("secretKeyRef={name=jsorc-redis-auth, key=password}")
                .contains("claimName=jsorc-redis-data");
        assertThat(server.get("/api/v1/namespaces/jsorc/configmaps/jsorc-redis-config").orElseThrow().toString())
                .contains("appendonly yes").contains("dir /data");
        String policy = server.get("/apis/networking.k8s.io/v1/namespaces/jsorc/networkpolicies/jsorc-redis")
                .orElseThrow().toString();
        assertThat(policy).contains("jsorc.io/host=true").contains("port=6379");
    }

    @Test
    void aCorruptOldHistoryIsReadAsEmptyAndTheApplyGoesOn() throws Exception {
        hook.setGlob(ResourceSync.HISTORY_KEY, "{\"REDIS_MANIFEST\": [");
        ApplyReport report = apply().apply("REDIS_MANIFEST", "redis", Manifest.parseYaml(REDIS), "jsorc");
        assertThat(report.entries()).isNotEmpty().noneMatch(e -> e.action() == Action.FAILED);
    }

    private static final String TWO_MAPS = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cm-a}
            data: {k: a}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cm-b}
            data: {k: b}
            """;
    private static final String ONE_MAP = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cm-a}
            data: {k: a}
            """;

    @Test
    void appliedResourcesAreLabelledAndTheParentListsTheirKinds() throws Exception {
        apply().apply("SET_MANIFEST", null, Manifest.parseYaml(TWO_MAPS), "jsorc");
        String id = ApplySet.id("jsorc-applyset-set-manifest", "jsorc");
        Map<String, Object> member = server.get("/api/v1/namespaces/jsorc/configmaps/cm-b").orElseThrow();
        assertThat(member.get("metadata").toString()).contains(ApplySet.PART_OF + "=" + id)
                .contains(ApplySet.KEY_LABEL + "=SET_MANIFEST");
        Map<String, Object> parent = server.get("/api/v1/namespaces/jsorc/configmaps/jsorc-applyset-set-manifest")
                .orElseThrow();
        assertThat(parent.get("metadata").toString()).contains(ApplySet.ID_LABEL + "=" + id)
                .contains(ApplySet.KINDS + "=ConfigMap").contains(ApplySet.TOOLING + "=jsorc/v1");
        assertThat(hook.getGlob(ResourceSync.HISTORY_KEY)).as("no client-side state any more").isEmpty();
    }

    @Test
    void anApplyOfNothingRemovesTheSetsParentTooUnlessItRecordsMoreThanWasPruned() throws Exception {
        String parent = "/api/v1/namespaces/jsorc/configmaps/jsorc-applyset-set-manifest";
        apply().apply("SET_MANIFEST", null, Manifest.parseYaml(TWO_MAPS), "jsorc");
        ApplyReport emptied = apply().apply("SET_MANIFEST", null, Manifest.ofDocuments(List.of(), null), "jsorc");
        assertThat(byAction(emptied).get(Action.DELETED)).containsExactlyInAnyOrder("ConfigMap/cm-a", "ConfigMap/cm-b");
        assertThat(server.get(parent)).as("a key that holds nothing leaves no parent behind").isEmpty();
        assertThat(apply().apply("SET_MANIFEST", null, Manifest.ofDocuments(List.of(), null), "jsorc").entries())
                .as("applying nothing again: nothing to do").isEmpty();

        // A concurrent apply recorded more (a Deployment) since this apply pruned: its parent stays.
        apply().apply("SET_MANIFEST", null, Manifest.parseYaml(ONE_MAP), "jsorc");
        ApplySet set = new ApplySet(new KubeResources(client), "SET_MANIFEST", "jsorc", "jsorc");
        assertThat(set.deleteIfStill(new ApplySet.Recorded(java.util.Set.of("apps/v1/Deployment"), java.util.Set.of())))
                .contains("records more");
        assertThat(server.get(parent)).isPresent();
        // A concurrent apply that needed no new kind wrote nothing to the parent, so its resourceVersion cannot tell;
        // its members (cm-a) are found after the delete, and the parent is written again.
        assertThat(set.deleteIfStill(set.read())).contains("members appeared meanwhile");
        assertThat(server.get(parent).orElseThrow().get("metadata").toString()).contains("v1/ConfigMap");
        apply().apply("SET_MANIFEST", null, Manifest.ofDocuments(List.of(), null), "jsorc");
        assertThat(server.get(parent)).isEmpty();

        // A parent an earlier version left recording nothing goes with the next apply of nothing.
        server.create("/api/v1/namespaces/jsorc/configmaps", Map.of("apiVersion", "v1", "kind", "ConfigMap",
                "metadata", Map.of("name", "jsorc-applyset-set-manifest")));
        apply().apply("SET_MANIFEST", null, Manifest.ofDocuments(List.of(), null), "jsorc");
        assertThat(server.get(parent)).isEmpty();
    }

    @Test
    void aRemovedResourceIsDeletedExactlyOnceAcrossReplicas() throws Exception {
        apply().apply("SET_MANIFEST", null, Manifest.parseYaml(TWO_MAPS), "jsorc");
        long t0 = System.nanoTime();
        // Two replicas (two appliers, no shared client-side state) apply the smaller manifest one after the other.
        ApplyReport first = new ResourceSync(client, new MemoryHook(), env::get)
                .apply("SET_MANIFEST", null, Manifest.parseYaml(ONE_MAP), "jsorc");
        ApplyReport second = new ResourceSync(client, new MemoryHook(), env::get)
                .apply("SET_MANIFEST", null, Manifest.parseYaml(ONE_MAP), "jsorc");
        assertThat(first.entry("ConfigMap", "cm-b").orElseThrow().action()).isEqualTo(Action.DELETED);
        assertThat(second.entry("ConfigMap", "cm-b")).isEmpty();
        assertThat(server.get("/api/v1/namespaces/jsorc/configmaps/cm-b")).isEmpty();
        assertThat(server.requests(r -> r.nanos() - t0 >= 0 && r.method().equals("DELETE"))).hasSize(1);
    }

    @Test
    void aReplicaWithAnOlderManifestNeverDeletesAResourceOfTheNewerOne() throws Exception {
        apply().apply("SET_MANIFEST", null, Manifest.parseYaml(TWO_MAPS), "jsorc"); // the newer manifest
        ApplyReport stale = apply().apply("SET_MANIFEST", null, Manifest.parseYaml(ONE_MAP), "jsorc", () -> false);
        assertThat(stale.entry("ConfigMap", "cm-b")).isEmpty();
        assertThat(server.get("/api/v1/namespaces/jsorc/configmaps/cm-b")).isPresent();
        ApplyReport current = apply().apply("SET_MANIFEST", null, Manifest.parseYaml(ONE_MAP), "jsorc", () -> true);
        assertThat(current.entry("ConfigMap", "cm-b").orElseThrow().action()).isEqualTo(Action.DELETED);
    }

    @Test
    void resourcesOfAnOldHistoryAreAdoptedOnceAndPvcsKeptWithoutTheParaphrase() throws Exception {
        // What an earlier version applied and recorded client-side (no ApplySet labels).
        server.create("/api/v1/namespaces/jsorc/configmaps", Map.of("apiVersion", "v1", "kind", "ConfigMap",
                "metadata", Map.of("name", "old-cm", "namespace", "jsorc")));
        server.create("/api/v1/namespaces/jsorc/persistentvolumeclaims", Map.of("apiVersion", "v1",
                "kind", "PersistentVolumeClaim", "metadata", Map.of("name", "old-data", "namespace", "jsorc")));
        hook.setGlob(ResourceSync.HISTORY_KEY, "{\"SET_MANIFEST\": [{\"resources\": ["
                + "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"namespace\": \"jsorc\", \"name\": \"old-cm\"},"
                + "{\"apiVersion\": \"v1\", \"kind\": \"PersistentVolumeClaim\", \"namespace\": \"jsorc\", "
                + "\"name\": \"old-data\"}]}]}");
        ApplyReport report = apply().apply("SET_MANIFEST", null, Manifest.parseYaml(ONE_MAP), "jsorc");
        assertThat(report.entry("ConfigMap", "old-cm").orElseThrow().action()).isEqualTo(Action.DELETED);
        assertThat(report.entry("PersistentVolumeClaim", "old-data").orElseThrow().action())
                .isEqualTo(Action.KEPT_PROTECTED);
        assertThat(io.jsorc.base.Json.parseObject(hook.getGlob(ResourceSync.HISTORY_KEY).orElseThrow(), "history"))
                .as("adopted once: the key is gone from the old history").doesNotContainKey("SET_MANIFEST");
        assertThat(server.get("/api/v1/namespaces/jsorc/persistentvolumeclaims/old-data").orElseThrow()
                .get("metadata").toString()).contains(ApplySet.PART_OF);
        // The kept PVC is now a labelled member: found without the history, still kept without the paraphrase...
        ApplyReport again = apply().apply("SET_MANIFEST", null, Manifest.parseYaml(ONE_MAP), "jsorc");
        assertThat(again.entry("PersistentVolumeClaim", "old-data").orElseThrow().action())
                .isEqualTo(Action.KEPT_PROTECTED);
        // ...and deleted with it.
        ApplyReport unsafe = apply().apply("SET_MANIFEST", null, Manifest.parseYaml(ONE_MAP)
                .withUnsafeParaphrase(ResourceSync.UNSAFE_PARAPHRASE), "jsorc");
        assertThat(unsafe.entry("PersistentVolumeClaim", "old-data").orElseThrow().action())
                .isEqualTo(Action.DELETED);
    }

    @Test
    void anUnknownKindIsAppliedThroughTheDynamicApi() throws Exception {
        String yaml = """
                apiVersion: example.io/v1
                kind: Widget
                metadata: {name: w1}
                spec: {size: 3}
                """;
        ApplyReport report = apply().apply("W", null, Manifest.parseYaml(yaml), "jsorc");
        assertThat(report.entry("Widget", "w1").orElseThrow().action()).isEqualTo(Action.CREATED);
        assertThat(server.get("/apis/example.io/v1/namespaces/jsorc/widgets/w1")).isPresent();
        assertThat(apply().apply("W", null, Manifest.parseYaml(yaml), "jsorc").entry("Widget", "w1")
                .orElseThrow().action()).isEqualTo(Action.UNCHANGED);
    }

    @Test
    void theApiServerGoingAwayMidApplyIsReportedAndTheNextApplyCompletesIt() throws Exception {
        // The server stops answering after the namespace and the config map were created.
        okhttp3.OkHttpClient stopping = client.getHttpClient().newBuilder().addInterceptor(chain -> {
            okhttp3.Request request = chain.request();
            if (request.method().equals("GET") && request.url().encodedPath().contains("/services/")) {
                server.stop();
            }
            return chain.proceed(request);
        }).build();
        ApiClient flaky = new ClientBuilder().setBasePath(server.basePath()).build().setHttpClient(stopping);
        ApplyReport broken = new ResourceSync(flaky, hook, env::get).apply("REDIS_MANIFEST", "redis",
                Manifest.parseYaml(REDIS), "jsorc");
        assertThat(byAction(broken).get(Action.CREATED)).containsExactly("Namespace/jsorc",
                "ConfigMap/jsorc-redis-config");
        // ...and nothing is pruned: the ApplySet's members could not be listed.
        assertThat(byAction(broken).get(Action.FAILED)).containsExactly("Service/jsorc-redis", "Deployment/jsorc-redis",
                "ConfigMap/jsorc-applyset-redis-manifest");
        assertThat(broken.ok()).isFalse();
        assertThat(broken.failed().get(0).error()).isNotBlank();

        server.restart();
        ApplyReport resumed = apply().apply("REDIS_MANIFEST", "redis", Manifest.parseYaml(REDIS), "jsorc");
        assertThat(byAction(resumed).get(Action.UNCHANGED)).containsExactly("ConfigMap/jsorc-redis-config");
        assertThat(byAction(resumed).get(Action.CREATED)).containsExactly("Service/jsorc-redis",
                "Deployment/jsorc-redis");
        assertThat(resumed.ok()).isTrue();
    }

    @Test
    void readinessFollowsWorkloadStatus() throws Exception {
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p1}
                spec: {containers: [{name: c, image: busybox}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d1}
                spec: {replicas: 2, selector: {matchLabels: {app: d1}}, template: {metadata: {labels: {app: d1}}, spec: {containers: [{name: c, image: busybox}]}}}
                """;
        ResourceSync apply = apply();
        apply.apply("R", null, Manifest.parseYaml(yaml), "jsorc");
        List<Map<String, Object>> documents = apply.resolve(Manifest.parseYaml(yaml), null, "jsorc");
        assertThat(apply.notReady(documents)).hasSize(2);
        server.markPodReady("jsorc", "p1");
        assertThat(apply.notReady(documents)).singleElement().asString().contains("Deployment jsorc/d1")
                .contains("availableReplicas 0/2");
        assertThat(apply.awaitReady(documents, java.time.Duration.ofMillis(300))).hasSize(1); // bounded wait
        new ResourceSync(client, null, env::get).apply("R2", null, Manifest.parseYaml(yaml.replace("replicas: 2",
                "replicas: 0")), "jsorc");
        assertThat(apply.awaitReady(apply.resolve(Manifest.parseYaml(yaml.replace("replicas: 2", "replicas: 0")),
                null, "jsorc"), java.time.Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void aRolloutIsReadyOnlyWhenEveryReplicaIsNewAndAvailable() throws Exception {
        String yaml = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d2}
                spec: {replicas: 1, selector: {matchLabels: {app: d2}}, template: {metadata: {labels: {app: d2}}, spec: {containers: [{name: c, image: busybox}]}}}
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: ds}
                spec: {selector: {matchLabels: {app: ds}}, template: {metadata: {labels: {app: ds}}, spec: {containers: [{name: c, image: busybox}]}}}
                """;
        ResourceSync apply = apply();
        apply.apply("ROLLOUT", null, Manifest.parseYaml(yaml), "jsorc");
        List<Map<String, Object>> documents = apply.resolve(Manifest.parseYaml(yaml), null, "jsorc");
        String deployment = "/apis/apps/v1/namespaces/jsorc/deployments/d2";
        String daemonSet = "/apis/apps/v1/namespaces/jsorc/daemonsets/ds";
        assertThat(apply.notReady(documents)).as("nothing observed yet").hasSize(2);
        // Mid-rollout (surge 1): the new pod is not ready, the old one still is; 1 available, 1 updated, 2 in all.
        server.patchStatus(deployment, "{\"replicas\": 2, \"updatedReplicas\": 1, \"availableReplicas\": 1, "
                + "\"readyReplicas\": 1}");
        // A DaemonSet no node matches: observed, nothing to schedule.
        server.patchStatus(daemonSet, "{\"observedGeneration\": 1, \"desiredNumberScheduled\": 0, "
                + "\"numberReady\": 0}");
        assertThat(apply.notReady(documents)).singleElement().asString().contains("Deployment jsorc/d2")
                .contains("1 old replica(s) pending termination");
        // The old pod is gone and the new one is available: done.
        server.patchStatus(deployment, "{\"replicas\": 1, \"updatedReplicas\": 1, \"availableReplicas\": 1, "
                + "\"readyReplicas\": 1}");
        assertThat(apply.notReady(documents)).isEmpty();
        // A DaemonSet whose scheduled pods are not all updated yet is not ready.
        server.patchStatus(daemonSet, "{\"desiredNumberScheduled\": 2, \"updatedNumberScheduled\": 1, "
                + "\"numberAvailable\": 2, \"numberReady\": 2}");
        assertThat(apply.notReady(documents)).singleElement().asString().contains("updatedNumberScheduled 1/2");
    }

    @Test
    void twoAppsInOneNamespaceNeverPruneEachOthersResources() throws Exception {
        String shop = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: shop-cache}
                data: {a: "1"}
                """;
        String billing = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: billing-cache}
                data: {a: "1"}
                """;
        // Both hosts have a CACHE_MANIFEST; their apps (leader_election.app, JSORC_APP) differ.
        apply().app("shop").apply("CACHE_MANIFEST", null, Manifest.parseYaml(shop), "jsorc");
        ApplyReport other = apply().app("billing").apply("CACHE_MANIFEST", null, Manifest.parseYaml(billing), "jsorc");
        assertThat(byAction(other)).doesNotContainKey(Action.DELETED);
        assertThat(server.get("/api/v1/namespaces/jsorc/configmaps/shop-cache")).as("shop's resource").isPresent();
        ApplyReport again = apply().app("shop").apply("CACHE_MANIFEST", null, Manifest.parseYaml(shop), "jsorc");
        assertThat(byAction(again)).doesNotContainKey(Action.DELETED);
        assertThat(server.get("/api/v1/namespaces/jsorc/configmaps/billing-cache")).as("billing's resource")
                .isPresent();
        assertThat(ApplySet.parentName("CACHE_MANIFEST", "shop")).isEqualTo("jsorc-applyset-shop-cache-manifest");
        assertThat(ApplySet.parentName("CACHE_MANIFEST", "jsorc")).as("the default app keeps the name it had")
                .isEqualTo("jsorc-applyset-cache-manifest");
    }
}
