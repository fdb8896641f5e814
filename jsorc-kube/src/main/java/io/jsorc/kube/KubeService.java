package io.jsorc.kube;

import io.jsorc.CommonService;
import io.jsorc.Service;
import io.jsorc.base.Json;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * The {@code kube} service: an {@link ApiClient} for the cluster JsOrc runs its dependencies on.
 *
 * <p>Config ({@code KUBE_CONFIG}, disabled by default): {@code namespace} (where namespaced resources go),
 * {@code base_path} (+ optional {@code token}): an explicit API URL; else {@code kubeconfig}: a file; else
 * {@code in_cluster} (the pod's service account). {@code timeout_ms} (default 5000) bounds every call.
 * {@code user_agent} (default {@code jsorc/<HOSTNAME>}) names the replica in the API server's audit log. {@code run()}
 * and {@link #healthy()} check that the API server answers {@code /readyz} (any answer below 500 counts: a 404, 401
 * or 403 still proves it is up).
 */
@Service(name = "kube")
public class KubeService extends CommonService<ApiClient> {

    /**
     * {@return the orchestrator's kube service when it is running, else {@code null}}: what the launcher, the manifest
     * applier and database regeneration ask before they talk to the cluster.
     *
     * @param orchestrator the orchestrator's components, or {@code null}
     */
    static KubeService runningIn(io.jsorc.ComponentContext orchestrator) {
        if (orchestrator == null) {
            return null;
        }
        CommonService<?> kube = orchestrator.svc("kube");
        return kube instanceof KubeService running && running.isRunning() ? running : null;
    }

    /** The bound config. */
    record Settings(String namespace, Boolean in_cluster, String kubeconfig, String base_path, String token,
                    Integer timeout_ms, String user_agent) {
    }

    private volatile Settings settings;
    private volatile ApiClient client;
    /** The cluster's resource table, API discovery included: once per client, not per apply. */
    private volatile KubeResources resources;

    /** Built by the orchestrator. */
    public KubeService() {
    }

    /**
     * Returns the resource table of this service's cluster: where each kind lives, found by API discovery once (and
     * after a failure at most once a minute) for every apply, check and prune of this client, not once per apply.
     *
     * @return the table
     * @throws IllegalStateException when the service has not built its client
     */
    public KubeResources resources() {
        KubeResources current = resources;
        if (current == null) {
            throw new IllegalStateException("The kube service has no API client yet (state " + state() + ")");
        }
        return current;
    }

    @Override
    protected ApiClient run() throws IOException {
        Settings s = config(Settings.class);
        ApiClient client;
        if (s.base_path() != null && !s.base_path().isBlank()) {
            ClientBuilder builder = new ClientBuilder().setBasePath(stripSlash(s.base_path()));
            if (s.token() != null && !s.token().isBlank()) {
                builder.setAuthentication(new AccessTokenAuthentication(s.token()));
            }
            client = builder.build();
        } else if (s.kubeconfig() != null && !s.kubeconfig().isBlank()) {
            try (Reader reader = Files.newBufferedReader(Path.of(s.kubeconfig()), StandardCharsets.UTF_8)) {
                client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(reader)).build();
            }
        } else if (!Boolean.FALSE.equals(s.in_cluster())) {
            client = ClientBuilder.cluster().build();
        } else {
            throw new IllegalArgumentException("KUBE_CONFIG names no cluster: set base_path, kubeconfig, or "
                    + "in_cluster: true");
        }
        int timeout = s.timeout_ms() == null ? 5000 : s.timeout_ms();
        client.setConnectTimeout(timeout);
        client.setReadTimeout(timeout);
        // Names the replica in the API server's audit log (and lets tests count one replica's writes).
        client.setUserAgent(s.user_agent() != null && !s.user_agent().isBlank() ? s.user_agent()
                : "jsorc/" + java.util.Objects.requireNonNullElse(System.getenv("HOSTNAME"), "unknown"));
        settings = s;
        this.client = client;
        this.resources = new KubeResources(client);
        String problem = probe(client, s);
        if (problem != null) {
            throw new IllegalStateException("Kubernetes API server at " + client.getBasePath() + " does not answer: "
                    + problem);
        }
        return client;
    }

    /**
     * {@return {@code null} when the API server answers, else why not. Any HTTP answer below 500 from {@code /readyz}
     * counts: a 404 (no such endpoint), 401 or 403 (no anonymous access) still proves it is up.}
     */
    private static String probe(ApiClient client, Settings s) {
        Request.Builder readyz = new Request.Builder().url(client.getBasePath() + "/readyz");
        if (s.token() != null && !s.token().isBlank()) {
            readyz.header("Authorization", "Bearer " + s.token());
        }
        try (Response response = client.getHttpClient().newCall(readyz.build()).execute()) {
            return response.code() < 500 ? null : "/readyz answered " + response.code();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * Starts the daemon ({@code jsorc-kube-action-servers}) that refreshes which Kubernetes action servers this
     * replica holds and with which a leader creates and retires the servers the host's replicas share (see
     * {@link KubeActionLauncher}); without an election and without holdings it only reads.
     */
    @Override
    protected void postRun() {
        io.jsorc.ComponentContext components = context();
        SharedActionServers servers = SharedActionServers.of(components);
        spawnDaemon("action-servers", () -> {
            SharedActionServers.ClusterSide side = KubeActionLauncher.clusterSide(components, this);
            servers.runUntilInterrupted(side);
        });
    }

    /** Repeats the start check: the API server answers within {@code timeout_ms}. */
    @Override
    public boolean healthy() {
        ApiClient client = app();
        Settings s = settings;
        return isRunning() && client != null && probe(client, s) == null;
    }

    /** Releases the HTTP client's connection pool and threads. */
    @Override
    protected void onDelete() {
        release();
    }

    @Override
    protected void failed(Throwable cause) {
        release();
    }

    private void release() {
        ApiClient built = client;
        client = null;
        if (built != null) {
            built.getHttpClient().dispatcher().executorService().shutdown();
            built.getHttpClient().connectionPool().evictAll();
        }
    }

    /** {@return the namespace namespaced resources go to} */
    public String namespace() {
        Object namespace = config().get("namespace");
        return namespace == null || String.valueOf(namespace).isBlank() ? "default" : String.valueOf(namespace);
    }

    /**
     * Rollout restart of a deployment: sets {@code spec.template.metadata.annotations
     * ["kubectl.kubernetes.io/restartedAt"]}, as {@code kubectl rollout restart} does.
     *
     * @param deployment the deployment's name (in {@link #namespace()})
     * @throws KubeException when the API server refuses
     */
    public void restart(String deployment) {
        ApiClient client = poke();
        Map<String, Object> patch = Map.of("spec", Map.of("template", Map.of("metadata", Map.of("annotations",
                Map.of("kubectl.kubernetes.io/restartedAt", Instant.now().toString())))));
        KubernetesApiResponse<DynamicKubernetesObject> response = KubeResources.call(() -> new DynamicKubernetesApi(
                "apps", "v1", "deployments", client).patch(namespace(), deployment,
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, new V1Patch(Json.write(patch))));
        if (!response.isSuccess()) {
            throw new KubeException("Restarting deployment " + namespace() + "/" + deployment + " failed: "
                    + KubeResources.describe(response));
        }
    }

    private static String stripSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
