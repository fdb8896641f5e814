package io.jsorc.kube;

import io.jsorc.ComponentContext;
import io.jsorc.action.ActionConfig;
import io.jsorc.action.remote.RemoteActionLauncher;
import io.jsorc.action.remote.RemoteStarter;
import io.jsorc.cluster.Leadership;
import io.jsorc.manifest.ApplyReport;
import io.jsorc.manifest.Manifest;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs an action module's server in the cluster: applies its manifest (a ConfigMap, a Secret with the call token,
 * a Deployment and a Service named {@code jsorc-action-<name>} in the kube namespace; {@code jsorc-action-<app>-<name>}
 * for an app other than the default one, so hosts sharing a namespace keep their servers apart) and reaches it at
 * {@code http://<that name>}, sending the token on every call; retiring deletes them. Chosen by the action
 * manager while the kube service runs.
 *
 * <p>The documents are built as objects ({@link ActionDocuments}), never by pasting values into YAML text. A module
 * name that cannot name Kubernetes objects (a DNS-1123 label once prefixed) is refused with what is allowed.
 *
 * <p><b>Replicas.</b> When the host's replicas elect a leader, they share one server per module
 * ({@link SharedActionServers}): a replica that loads a module records that it holds it; the leader applies the
 * server (keeping the token of an existing Secret, so servers and other replicas keep working), while a follower
 * writes nothing to the cluster and reads the token from the server's Secret once the leader created it. A retire
 * only drops the replica's holding; the server is deleted, by the leader, once no live replica holds it.
 *
 * <p>{@code remote} config: {@code image} (default {@code jsorc-action-<name>:latest}), {@code command} (a list;
 * default {@code java -cp /app/* io.jsorc.action.ActionServer <module> 80}), {@code manifest} (a YAML template
 * replacing the default; it is parsed first, then {@code {{name}}}, {@code {{module}}}, {@code {{image}}},
 * {@code {{token}}} are filled into its string values and a {@code {{command}}} value becomes the command list).
 */
public final class KubeActionLauncher implements RemoteActionLauncher {

    private static final Logger log = LoggerFactory.getLogger(KubeActionLauncher.class);
    private static final SecureRandom TOKENS = new SecureRandom();
    /** How often a follower looks for the Secret the leader creates. */
    private static final long TOKEN_POLL_MILLIS = 250;

    /** A module deployed to the cluster. */
    private record KubeRemote(String url, String module, ComponentContext orchestrator, String token, boolean shared)
            implements Remote {
        @Override
        public boolean alive() {
            return true; // the cluster restarts its pods; readiness is the spec endpoint answering
        }

        @Override
        public String toString() {
            return "KubeRemote[" + url + (shared ? ", shared" : "") + "]"; // never the token
        }
    }

    /** Found by ServiceLoader. */
    public KubeActionLauncher() {
    }

    @Override
    public boolean available(ComponentContext orchestrator) {
        return kube(orchestrator) != null;
    }

    @Override
    public Remote launch(String name, ActionConfig config, ComponentContext orchestrator) throws Exception {
        KubeService kube = kube(orchestrator);
        if (kube == null) {
            throw new KubeException("The kube service is not running: cannot deploy action module '" + name + "'");
        }
        String resource = resourceName(orchestrator, name);
        String url = "http://" + resource;
        SharedActionServers servers = SharedActionServers.of(orchestrator);
        if (!servers.shared()) {
            // The pod listens on all interfaces, so it takes calls only with this token, handed over in a Secret.
            String token = newToken();
            apply(kube, orchestrator, name, ActionDocuments.of(resource, ActionDocuments.defaultImage(name), config,
                    token), () -> true, "Deploying action module '" + name + "' failed: ");
            return new KubeRemote(url, name, orchestrator, token, false);
        }
        servers.hold(name, config);
        try {
            Leadership leadership = Leadership.of(orchestrator);
            String token;
            if (leadership.confirm()) {
                token = deploy(kube, orchestrator, name, config, leadership::confirm);
                servers.applied(name, config);
            } else {
                servers.requireSharedStore(name); // else the leader would never hear of this holding
                token = awaitToken(kube, resource, leadership);
            }
            return new KubeRemote(url, name, orchestrator, token, true);
        } catch (Exception | Error e) {
            try {
                servers.release(name);
            } catch (RuntimeException releasing) {
                e.addSuppressed(releasing);
            }
            throw e;
        }
    }

    @Override
    public void retire(Remote remote) {
        if (!(remote instanceof KubeRemote deployed)) {
            throw new IllegalArgumentException("Not started by this launcher: " + remote);
        }
        ComponentContext orchestrator = deployed.orchestrator();
        if (deployed.shared()) {
            int holders = SharedActionServers.of(orchestrator).release(deployed.module());
            Leadership leadership = Leadership.of(orchestrator);
            KubeService kube = kube(orchestrator);
            if (holders == 0 && kube != null && leadership.confirm()) {
                delete(kube, orchestrator, deployed.module(), leadership::confirm);
                SharedActionServers.of(orchestrator).forgetIfUnheld(deployed.module());
            } else {
                log.debug("Action server {} stays: {} other replicas hold it, or the leader retires it", deployed.url(),
                        holders);
            }
            return;
        }
        KubeService kube = kube(orchestrator);
        if (kube == null) {
            throw new KubeException("The kube service is not running: cannot delete " + deployed.url());
        }
        delete(kube, orchestrator, deployed.module(), () -> true);
    }

    /** The leader's writes through a kube service, for {@link SharedActionServers#reconcile}. */
    static SharedActionServers.ClusterSide clusterSide(ComponentContext orchestrator, KubeService kube) {
        Leadership leadership = Leadership.of(orchestrator);
        return new SharedActionServers.ClusterSide() {
            @Override
            public void deploy(String module, ActionConfig config) {
                KubeActionLauncher.deploy(kube, orchestrator, module, config, leadership::confirm);
            }

            @Override
            public void delete(String module) {
                KubeActionLauncher.delete(kube, orchestrator, module, leadership::confirm);
            }
        };
    }

    /**
     * Applies a shared server, keeping the token of its Secret when it exists; returns the token. One deploy of a
     * module at a time (the launch path and the leader's pass both deploy): read the token and write it as one step.
     */
    static String deploy(KubeService kube, ComponentContext orchestrator, String module, ActionConfig config,
                         BooleanSupplier mayWrite) {
        synchronized (SharedActionServers.of(orchestrator).deployLock(module)) {
            String resource = resourceName(orchestrator, module);
            String token = readToken(kube, resource).orElseGet(KubeActionLauncher::newToken);
            apply(kube, orchestrator, module, ActionDocuments.of(resource, ActionDocuments.defaultImage(module),
                    config, token), mayWrite, "Deploying action module '" + module + "' failed: ");
            return token;
        }
    }

    private static void delete(KubeService kube, ComponentContext orchestrator, String module,
                               BooleanSupplier mayWrite) {
        // Applying nothing under the same key deletes everything the launch applied.
        apply(kube, orchestrator, module, List.of(), mayWrite,
                "Retiring action server " + resourceName(orchestrator, module) + " failed: ");
    }

    private static void apply(KubeService kube, ComponentContext orchestrator, String module,
                              List<Map<String, Object>> documents, BooleanSupplier mayWrite, String failure) {
        ApplyReport report = sync(kube, orchestrator, mayWrite).apply(key(module), null,
                Manifest.ofDocuments(documents, null), kube.namespace());
        if (!report.ok()) {
            throw new KubeException(failure + report.failed());
        }
    }

    private static ResourceSync sync(KubeService kube, ComponentContext orchestrator, BooleanSupplier mayWrite) {
        return new ResourceSync(kube.resources(), io.jsorc.config.ConfigStore.hookOf(orchestrator), System::getenv,
                mayWrite).app(ResourceSync.appOf(orchestrator));
    }

    /** {@return the module's object name in the app the orchestrator belongs to} */
    private static String resourceName(ComponentContext orchestrator, String module) {
        return ActionDocuments.resourceName(ResourceSync.appOf(orchestrator), module);
    }

    private static String key(String module) {
        return "ACTION_MANIFEST:" + module;
    }

    /** A follower waits for the Secret the leader creates, and takes the token from it. */
    private static String awaitToken(KubeService kube, String resource, Leadership leadership)
            throws InterruptedException {
        long deadline = System.nanoTime() + RemoteStarter.START_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Optional<String> token = readToken(kube, resource);
            if (token.isPresent()) {
                return token.get();
            }
            Thread.sleep(TOKEN_POLL_MILLIS);
        }
        throw new KubeException("Action server " + resource + " was not created within "
                + RemoteStarter.START_TIMEOUT.toSeconds() + " s: this replica follows (" + leadership.describe()
                + "), and the leader creates shared action servers");
    }

    /** Reads the call token from the server's Secret; empty when there is no such Secret yet. */
    private static Optional<String> readToken(KubeService kube, String resource) {
        String name = ActionDocuments.tokenSecret(resource);
        try {
            V1Secret secret = new CoreV1Api(kube.app()).readNamespacedSecret(name, kube.namespace()).execute();
            Map<String, byte[]> data = secret.getData();
            byte[] token = data == null ? null : data.get("token");
            if (token == null && secret.getStringData() != null && secret.getStringData().get("token") != null) {
                return Optional.of(secret.getStringData().get("token")); // a test server keeps stringData as given
            }
            return token == null || token.length == 0 ? Optional.empty()
                    : Optional.of(new String(token, StandardCharsets.UTF_8));
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw new KubeException("Reading Secret " + kube.namespace() + "/" + name + " failed: HTTP "
                    + e.getCode());
        }
    }

    private static String newToken() {
        byte[] random = new byte[32];
        TOKENS.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static KubeService kube(ComponentContext orchestrator) {
        return KubeService.runningIn(orchestrator);
    }
}
