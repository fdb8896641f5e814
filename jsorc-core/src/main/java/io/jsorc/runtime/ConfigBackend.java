package io.jsorc.runtime;

import io.jsorc.ComponentContext;
import io.jsorc.OrchestratorAware;
import io.jsorc.component.ContextScope;
import io.jsorc.config.ConfigStore;
import io.jsorc.config.Hook;
import io.jsorc.config.MemoryHook;

import java.util.Locale;

/**
 * Chooses an orchestrator's config store backend: the one the builder pinned, else the one the system property
 * {@value Assembly#HOOK_PROPERTY} names ({@code memory}, or the winning hook's class name without "Hook", e.g.
 * {@code redis}), else the winning {@code @Repository(name = "hook")}.
 */
final class ConfigBackend {

    private ConfigBackend() {
    }

    /**
     * Creates the backend, attached to the orchestrator's context.
     *
     * @param given   the backend the builder pinned, or {@code null}
     * @param context the orchestrator's component context
     * @param scope   where the winning hook repository is created
     * @return the backend
     * @throws IllegalArgumentException when the system property names a store that is not the winning one
     */
    static Hook choose(Hook given, ComponentContext context, ContextScope scope) {
        String pinned = System.getProperty(Assembly.HOOK_PROPERTY);
        if (given != null) {
            if (given instanceof OrchestratorAware aware) {
                aware.attach(context);
            }
            return given;
        }
        if (pinned != null && !pinned.isBlank() && pinned.strip().equalsIgnoreCase("memory")) {
            MemoryHook memory = new MemoryHook();
            memory.attach(context);
            return memory;
        }
        Hook winner = ContextScope.typed("Repository", ConfigStore.HOOK, scope.src(ConfigStore.HOOK), Hook.class);
        String simple = winner.getClass().getSimpleName().replaceFirst("Hook$", "");
        if (pinned != null && !pinned.isBlank() && !pinned.strip().equalsIgnoreCase(simple)) {
            throw new IllegalArgumentException("-D" + Assembly.HOOK_PROPERTY + "=" + pinned + " names no config store "
                    + "here; allowed: memory, " + simple.toLowerCase(Locale.ROOT) + " (the winning "
                    + "@Repository(name = \"hook\") is " + winner.getClass().getName() + ")");
        }
        return winner;
    }
}
