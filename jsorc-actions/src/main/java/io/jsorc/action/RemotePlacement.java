package io.jsorc.action;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/** The module behind a remote server. */
final class RemotePlacement extends Placement {
    final String name;
    final RemoteActionLauncher launcher;
    final CountDownLatch started = new CountDownLatch(1);
    volatile RemoteActionLauncher.Remote server;
    volatile String status = "STARTING";
    volatile String detail;
    volatile boolean retired;
    volatile RemoteActionClient client;
    volatile Map<String, ActionMethod> actions = Map.of();
    int restarts;

    RemotePlacement(String name, RemoteActionLauncher launcher) {
        this.name = name;
        this.launcher = launcher;
    }

    @SuppressWarnings("unchecked")
    void bind(RemoteActionClient remoteClient, Map<String, Object> spec) {
        Map<String, ActionMethod> bound = new TreeMap<>();
        Object described = spec.get("actions");
        if (described instanceof Map<?, ?> map) {
            map.forEach((action, entry) -> {
                List<String> signature = entry instanceof Map<?, ?> e && e.get("signature") instanceof List<?> s
                        ? (List<String>) s : List.of();
                bound.put(String.valueOf(action), ActionMethod.ofSignature(String.valueOf(action), signature));
            });
        }
        this.actions = bound;
        this.client = remoteClient;
    }

    @Override
    ActionMode mode() {
        return ActionMode.REMOTE;
    }

    @Override
    java.util.Set<String> actionNames() {
        return actions.keySet();
    }

    @Override
    ActionMethod method(String action) {
        return actions.get(action);
    }

    @Override
    String module() {
        return name;
    }

    @Override
    Object call(String action, Arguments arguments, java.util.function.Supplier<List<String>> loaded) {
        ActionMethod method = require(action, loaded);
        return client.call(action, method.toWire(arguments));
    }
}
