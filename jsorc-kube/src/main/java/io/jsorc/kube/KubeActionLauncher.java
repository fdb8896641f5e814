package io.jsorc.kube;

import io.jsorc.CommonService;
import io.jsorc.manifest.Manifest;
import io.jsorc.ComponentContext;
import io.jsorc.config.Hook;
import io.jsorc.action.ActionConfig;
import io.jsorc.action.remote.RemoteActionLauncher;
import io.jsorc.manifest.ApplyReport;

import java.util.List;

/**
 * Runs an action module's server in the cluster: applies its manifest (a ConfigMap, a Secret with a fresh call token,
 * a Deployment and a Service named {@code jsorc-action-<name>} in the kube namespace) and reaches it at
 * {@code http://jsorc-action-<name>}, sending the token on every call; retiring deletes them. Chosen by the action
 * manager while the kube service runs.
 *
 * <p>The documents are built as objects ({@link ActionDocuments}), never by pasting values into YAML text. A module
 * name that cannot name Kubernetes objects (a DNS-1123 label once prefixed) is refused with what is allowed.
 *
 * <p>{@code remote} config: {@code image} (default {@code jsorc-action-<name>:latest}), {@code command} (a list;
 * default {@code java -cp /app/* io.jsorc.action.ActionServer <module> 80}), {@code manifest} (a YAML template
 * replacing the default; it is parsed first, then {@code {{name}}}, {@code {{module}}}, {@code {{image}}},
 * {@code {{token}}} are filled into its string values and a {@code {{command}}} value becomes the command list).
 */
public final class KubeActionLauncher implements RemoteActionLauncher {

    /** A module deployed to the cluster. */
    private record KubeRemote(String url, String key, ComponentContext orchestrator, String token) implements Remote {
        @Override
        public boolean alive() {
            return true; // the cluster restarts its pods; readiness is the spec endpoint answering
        }
    }

    private static final java.security.SecureRandom TOKENS = new java.security.SecureRandom();

    /** Found by ServiceLoader. */
    public KubeActionLauncher() {
    }

    @Override
    public boolean available(ComponentContext orchestrator) {
        return kube(orchestrator) != null;
    }

    @Override
    public Remote launch(String name, ActionConfig config, ComponentContext orchestrator) {
        KubeService kube = kube(orchestrator);
        if (kube == null) {
            throw new KubeException("The kube service is not running: cannot deploy action module '" + name + "'");
        }
        String resource = ActionDocuments.resourceName(name);
        // The pod listens on all interfaces, so it takes calls only with this token, handed over in a Secret.
        byte[] random = new byte[32];
        TOKENS.nextBytes(random);
        String token = java.util.HexFormat.of().formatHex(random);
        Manifest manifest = Manifest.ofDocuments(ActionDocuments.of(resource, config, token), null);
        String key = "ACTION_MANIFEST:" + name;
        ApplyReport report = new ResourceSync(kube.app(), orchestrator.src("hook", Hook.class), System::getenv)
                .apply(key, null, manifest, kube.namespace());
        if (!report.ok()) {
            throw new KubeException("Deploying action module '" + name + "' failed: " + report.failed());
        }
        return new KubeRemote("http://" + resource, key, orchestrator, token);
    }

    @Override
    public void retire(Remote remote) {
        if (!(remote instanceof KubeRemote deployed)) {
            throw new IllegalArgumentException("Not started by this launcher: " + remote);
        }
        KubeService kube = kube(deployed.orchestrator());
        if (kube == null) {
            throw new KubeException("The kube service is not running: cannot delete " + deployed.url());
        }
        // Applying nothing under the same key deletes everything the launch applied.
        ApplyReport report = new ResourceSync(kube.app(), deployed.orchestrator().src("hook", Hook.class), System::getenv)
                .apply(deployed.key(), null, Manifest.ofDocuments(List.of(), null), kube.namespace());
        if (!report.ok()) {
            throw new KubeException("Retiring " + deployed.url() + " failed: " + report.failed());
        }
    }

    private static KubeService kube(ComponentContext orchestrator) {
        if (orchestrator == null) {
            return null;
        }
        CommonService<?> kube = orchestrator.svc("kube");
        return kube instanceof KubeService running && running.isRunning() ? running : null;
    }
}
