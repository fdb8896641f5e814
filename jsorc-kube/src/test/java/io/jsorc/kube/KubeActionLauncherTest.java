package io.jsorc.kube;

import io.jsorc.Orchestrator;
import io.jsorc.action.ActionConfig;
import io.jsorc.action.remote.RemoteActionLauncher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Kubernetes action launcher against the test API server: documents built as objects, the token only in a
 * Secret, everything deleted on retire, and names and values with YAML-special characters handled.
 */
class KubeActionLauncherTest {

    private static final String NS = "/api/v1/namespaces/jsorc";
    private static final String APPS = "/apis/apps/v1/namespaces/jsorc";
    /** An image reference full of what would break YAML text: quotes, a colon-space, braces, a newline, a '#'. */
    private static final String TRICKY_IMAGE = "registry.example.com/team/calc:1.0\" # {x: y}\n  evil: [\"{{token}}\"]";
    private static final String TRICKY_MODULE = "com.example.Calc\"\nkind: Secret";

    private KubeTestServer server;
    private Orchestrator orchestrator;
    private final KubeActionLauncher launcher = new KubeActionLauncher();

    @BeforeEach
    void start() {
        server = new KubeTestServer();
        orchestrator = Orchestrator.builder()
                .config("KUBE_CONFIG", server.kubeConfig("jsorc"))
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 30, \"pre_loaded_services\": [\"kube\"]}")
                .build().start();
        assertThat(launcher.available(orchestrator)).isTrue();
    }

    @AfterEach
    void stop() {
        orchestrator.close();
        server.close();
    }

    @Test
    void twoDeploysOfOneSharedServerAtOnceAgreeOnItsToken() throws Exception {
        // The launch path and the leader's background pass deploy the same module at once: both must end with the
        // token the Secret holds, or the replicas holding the other one get 401 until a relaunch.
        KubeService kube = KubeService.runningIn(orchestrator);
        ActionConfig config = new ActionConfig("com.example.Calc", null, 0, Map.of("image", "registry/calc:1"));
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        int disagreed = 0;
        try {
            for (int round = 0; round < 20; round++) {
                server.delete(NS + "/secrets/jsorc-action-calc-token"); // no Secret yet: each would make a token
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                java.util.concurrent.Callable<String> deploy = () -> {
                    together.await();
                    return KubeActionLauncher.deploy(kube, orchestrator, "calc", config, () -> true);
                };
                java.util.concurrent.Future<String> first = two.submit(deploy);
                java.util.concurrent.Future<String> second = two.submit(deploy);
                String a = first.get(30, java.util.concurrent.TimeUnit.SECONDS);
                String b = second.get(30, java.util.concurrent.TimeUnit.SECONDS);
                String stored = server.get(NS + "/secrets/jsorc-action-calc-token").orElseThrow().toString();
                if (!a.equals(b) || !stored.contains(a)) {
                    disagreed++;
                }
            }
        } finally {
            two.shutdownNow();
        }
        System.out.println("rounds of two deploys at once that disagreed on the token: " + disagreed + " of 20");
        assertThat(disagreed).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theTokenComesFromASecretAndSpecialValuesStayOneValueAndRetireDeletesEverything() throws Exception {
        ActionConfig config = new ActionConfig(TRICKY_MODULE, null, 0, Map.of("image", TRICKY_IMAGE));
        RemoteActionLauncher.Remote remote = launcher.launch("my_calc", config, orchestrator);
        assertThat(remote.url()).isEqualTo("http://jsorc-action-my-calc");

        Map<String, Object> deployment = server.get(APPS + "/deployments/jsorc-action-my-calc").orElseThrow();
        Map<String, Object> podSpec = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                deployment.get("spec")).get("template")).get("spec");
        Map<String, Object> container = ((List<Map<String, Object>>) podSpec.get("containers")).get(0);
        assertThat(container.get("image")).isEqualTo(TRICKY_IMAGE);
        assertThat((List<Object>) container.get("command")).contains(TRICKY_MODULE);
        List<Map<String, Object>> env = (List<Map<String, Object>>) container.get("env");
        Map<String, Object> tokenEnv = env.stream().filter(e -> "JSORC_ACTION_TOKEN".equals(e.get("name")))
                .findFirst().orElseThrow();
        assertThat(tokenEnv).doesNotContainKey("value");
        assertThat(tokenEnv.get("valueFrom").toString()).contains("secretKeyRef").contains("jsorc-action-my-calc-token");
        assertThat(env).anySatisfy(e -> assertThat(e).containsEntry("name", "JSORC_ACTION_MAX_BODY_BYTES")
                .containsEntry("value", String.valueOf(16L << 20)));
        assertThat(deployment.toString()).as("the token is not in the Deployment").doesNotContain(remote.token());
        // A launch with a new token (one host, no shared store: each launch makes one) changes the pod template,
        // so the pods restart and read it, instead of answering 401 with the old one.
        assertThat(podAnnotation(deployment)).isEqualTo(ActionDocuments.tokenHash(remote.token()))
                .doesNotContain(remote.token());
        Map<String, Object> other = ActionDocuments.of("jsorc-action-my-calc", config, "another-token").stream()
                .filter(d -> "Deployment".equals(d.get("kind"))).findFirst().orElseThrow();
        assertThat(podAnnotation(other)).isEqualTo(ActionDocuments.tokenHash("another-token"))
                .isNotEqualTo(podAnnotation(deployment));

        Map<String, Object> secret = server.get(NS + "/secrets/jsorc-action-my-calc-token").orElseThrow();
        assertThat(secret.toString()).contains(remote.token());
        Map<String, Object> configMap = server.get(NS + "/configmaps/jsorc-action-my-calc").orElseThrow();
        assertThat(((Map<String, Object>) configMap.get("data")).get("module")).isEqualTo(TRICKY_MODULE);
        assertThat(server.get(NS + "/services/jsorc-action-my-calc")).isPresent();
        // The module class name with "kind: Secret" in it made no document of its own.
        assertThat(server.get(NS + "/secrets/jsorc-action-my-calc")).isEmpty();

        launcher.retire(remote);
        assertThat(server.get(APPS + "/deployments/jsorc-action-my-calc")).isEmpty();
        assertThat(server.get(NS + "/secrets/jsorc-action-my-calc-token")).as("the token's Secret is deleted").isEmpty();
        assertThat(server.get(NS + "/configmaps/jsorc-action-my-calc")).isEmpty();
        assertThat(server.get(NS + "/services/jsorc-action-my-calc")).isEmpty();
        assertThat(server.get(NS + "/configmaps/" + ApplySet.parentName("ACTION_MANIFEST:my_calc", "jsorc")))
                .as("nor does its ApplySet's parent stay").isEmpty();
    }

    @Test
    void aModuleNameThatCannotNameKubernetesObjectsIsRefused() throws Exception {
        ActionConfig config = new ActionConfig("com.example.Calc", null, 0, Map.of());
        for (String name : List.of("calc: {x}", "calc\"", "calc\nkind: Secret", "Calc.v2", "calc-", "x".repeat(51))) {
            assertThatThrownBy(() -> launcher.launch(name, config, orchestrator))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DNS-1123 label")
                    .hasMessageContaining("letters, digits, '-' and '_' only");
        }
        assertThat(server.get(APPS + "/deployments").orElseThrow().get("items").toString()).isEqualTo("[]");
        RemoteActionLauncher.Remote ok = launcher.launch("x".repeat(50), config, orchestrator);
        launcher.retire(ok);
    }

    @Test
    void twoAppsInOneNamespaceKeepTheirServersApart() throws Exception {
        ActionConfig config = new ActionConfig("com.example.Calc", null, 0, Map.of());
        try (Orchestrator shop = appHost("shop"); Orchestrator billing = appHost("billing")) {
            RemoteActionLauncher.Remote shopCalc = launcher.launch("calc", config, shop);
            RemoteActionLauncher.Remote billingCalc = launcher.launch("calc", config, billing);
            assertThat(shopCalc.url()).isEqualTo("http://jsorc-action-shop-calc");
            assertThat(billingCalc.url()).isEqualTo("http://jsorc-action-billing-calc");
            assertThat(server.get(APPS + "/deployments/jsorc-action-shop-calc").orElseThrow().toString())
                    .as("the default image does not depend on the app").contains("image=jsorc-action-calc:latest");
            assertThat(server.get(NS + "/secrets/jsorc-action-shop-calc-token").orElseThrow().toString())
                    .as("billing's launch left shop's token alone").contains(shopCalc.token());

            launcher.retire(billingCalc);
            assertThat(server.get(APPS + "/deployments/jsorc-action-billing-calc")).isEmpty();
            assertThat(server.get(APPS + "/deployments/jsorc-action-shop-calc")).as("shop's server stays").isPresent();
            assertThat(server.get(NS + "/secrets/jsorc-action-shop-calc-token")).isPresent();
            launcher.retire(shopCalc);
            assertThat(server.get(APPS + "/deployments/jsorc-action-shop-calc")).isEmpty();
        }
        // The longest app name leader election takes (42 characters) leaves 7 for a module's.
        String longest = "a-long-app-name-shared-by-many-hosts-x".concat("yyyy");
        assertThat(ActionDocuments.resourceName(longest, "calc_v2")).hasSize(63);
        assertThatThrownBy(() -> ActionDocuments.resourceName(longest, "calculator"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'jsorc-action-" + longest + "-<name>'").hasMessageContaining("at most 7 characters");
    }

    private Orchestrator appHost(String app) {
        return Orchestrator.builder()
                .config("KUBE_CONFIG", server.kubeConfig("jsorc"))
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 30, \"pre_loaded_services\": [\"kube\"], "
                        + "\"leader_election\": {\"mode\": \"none\", \"app\": \"" + app + "\"}}")
                .build().start();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTemplateIsParsedFirstThenFilledValueByValue() throws Exception {
        String template = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: "{{name}}", labels: {app: "{{name}}"}}
                spec:
                  selector: {matchLabels: {app: "{{name}}"}}
                  template:
                    metadata: {labels: {app: "{{name}}"}}
                    spec:
                      containers:
                        - name: action
                          image: "{{image}}"
                          command: {{command}}
                          env: [{name: JSORC_ACTION_TOKEN, value: "{{token}}"}, {name: MODULE, value: "m={{module}}"}]
                """;
        ActionConfig config = new ActionConfig("com.example.Calc", null, 0, Map.of("image", TRICKY_IMAGE,
                "manifest", template, "command", List.of("run", "--module", "a: b")));
        RemoteActionLauncher.Remote remote = launcher.launch("calc", config, orchestrator);
        Map<String, Object> deployment = server.get(APPS + "/deployments/jsorc-action-calc").orElseThrow();
        Map<String, Object> container = ((List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>)
                ((Map<String, Object>) deployment.get("spec")).get("template")).get("spec")).get("containers")).get(0);
        assertThat(container.get("image")).as("an image holding {{token}} is not filled again").isEqualTo(TRICKY_IMAGE);
        assertThat(container.get("command")).isEqualTo(List.of("run", "--module", "a: b"));
        assertThat(container.get("env").toString()).contains("m=com.example.Calc").contains(remote.token());
        launcher.retire(remote);
        assertThat(server.get(APPS + "/deployments/jsorc-action-calc")).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static String podAnnotation(Map<String, Object> deployment) {
        Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) deployment.get("spec"))
                .get("template");
        Map<String, Object> annotations = (Map<String, Object>) ((Map<String, Object>) template.get("metadata"))
                .get("annotations");
        return String.valueOf(annotations.get(ActionDocuments.TOKEN_HASH_ANNOTATION));
    }
}
