package io.jsorc.examples.readme;

// tag::actions[]
import io.jsorc.JsOrc;
import io.jsorc.action.ActionConfig;
import io.jsorc.action.ActionManager;
import io.jsorc.action.ActionMode;
import io.jsorc.action.UnloadMode;

import java.time.Duration;
import java.util.Map;
// end::actions[]

/** The README's action-manager statements. */
final class ActionsSnippet {

    private ActionsSnippet() {
    }

    static Object run() throws InterruptedException {
        // tag::actions[]
        ActionManager actions = JsOrc.get("action_manager", ActionManager.class); // the persisting context
        actions.config("calc", ActionConfig.of(Calc.class));       // or configFrom(name, "calc.yaml"), or ACTION_CONFIGS
        actions.load("calc", ActionMode.LOCAL);                    // in this JVM (a jar loads in its own class loader)
        actions.load("calc", ActionMode.REMOTE);                   // a remote server: STARTING ...
        actions.awaitReady("calc", Duration.ofSeconds(30));        // ... READY: calls now go there
        actions.unload("calc", UnloadMode.LOCAL, false);           // calls in flight finish first; none is lost
        actions.policy("Evaluation", Map.of("node_mem_mb", 4096)); // or let a policy place the modules
        // end::actions[]
        return actions.call("calc.add", 2, 3);
    }
}
