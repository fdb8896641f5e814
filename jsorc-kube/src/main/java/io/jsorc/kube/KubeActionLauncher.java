package io.jsorc.kube;

import io.jsorc.CommonService;
import io.jsorc.manifest.Manifest;
import io.jsorc.ComponentContext;
import io.jsorc.config.Hook;
import io.jsorc.action.ActionConfig;
import io.jsorc.action.ActionServer;
import io.jsorc.action.remote.RemoteActionLauncher;
import io.jsorc.manifest.ApplyReport;

import java.util.List;
import java.util.Locale;

/**
 * Runs an action module's server in the cluster: applies its manifest (a ConfigMap, a Secret with a fresh call token,
 * a Deployment and a Service named {@code jsorc-action-<name>} in the kube namespace) and reaches it at
 * {@code http://jsorc-action-<name>}, sending the token on every call; retiring deletes them. Chosen by the action manager while the kube service runs.
 *
 * <p>{@code remote} config: {@code image} (default {@code jsorc-action-<name>:latest}), {@code command} (default
 * {@code java -cp /app/* io.jsorc.action.ActionServer <module> 80}), {@code manifest} (a YAML template replacing the
 * default; {@code {{name}}}, {@code {{module}}}, {@code {{image}}}, {@code {{token}}} are filled in).
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
        String resource = "jsorc-action-" + name.toLowerCase(Locale.ROOT).replace('_', '-');
        // The pod listens on all interfaces, so it takes calls only with this token, handed over in a Secret.
        byte[] random = new byte[32];
        TOKENS.nextBytes(random);
        String token = java.util.HexFormat.of().formatHex(random);
        Manifest manifest = Manifest.parseYaml(template(config).replace("{{name}}", resource)
                .replace("{{module}}", config.module())
                .replace("{{image}}", String.valueOf(config.remote().getOrDefault("image", resource + ":latest")))
                .replace("{{command}}", command(config))
                .replace("{{token}}", token));
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

    private static String command(ActionConfig config) {
        Object custom = config.remote().get("command");
        List<?> parts = custom instanceof List<?> list ? list
                : List.of("java", "-cp", "/app/*", ActionServer.class.getName(), config.module(), "80");
        StringBuilder yaml = new StringBuilder("[");
        for (int i = 0; i < parts.size(); i++) {
            yaml.append(i == 0 ? "" : ", ").append('"').append(String.valueOf(parts.get(i)).replace("\"", "\\\""))
                    .append('"');
        }
        return yaml.append(']').toString();
    }

    private static String template(ActionConfig config) {
        Object custom = config.remote().get("manifest");
        if (custom instanceof String yaml && !yaml.isBlank()) {
            return yaml;
        }
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: "{{name}}", labels: {app: "{{name}}"}}
                data: {module: "{{module}}"}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: "{{name}}-token", labels: {app: "{{name}}"}}
                stringData: {token: "{{token}}"}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: "{{name}}", labels: {app: "{{name}}"}}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: "{{name}}"}}
                  template:
                    metadata: {labels: {app: "{{name}}"}}
                    spec:
                      containers:
                        - name: action
                          image: "{{image}}"
                          command: {{command}}
                          ports: [{containerPort: 80}]
                          readinessProbe: {httpGet: {path: /healthz, port: 80}, periodSeconds: 2}
                          envFrom: [{configMapRef: {name: "{{name}}"}}]
                          env:
                            - {name: JSORC_ACTION_BIND, value: "0.0.0.0"}
                            - name: JSORC_ACTION_TOKEN
                              valueFrom: {secretKeyRef: {name: "{{name}}-token", key: token}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: "{{name}}", labels: {app: "{{name}}"}}
                spec:
                  selector: {app: "{{name}}"}
                  ports: [{port: 80, targetPort: 80}]
                """;
    }

    private static KubeService kube(ComponentContext orchestrator) {
        if (orchestrator == null) {
            return null;
        }
        CommonService<?> kube = orchestrator.svc("kube");
        return kube instanceof KubeService running && running.isRunning() ? running : null;
    }
}
