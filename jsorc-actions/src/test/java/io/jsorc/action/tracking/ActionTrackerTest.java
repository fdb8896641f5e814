package io.jsorc.action.tracking;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Call counts are bounded, whatever names callers send. */
class ActionTrackerTest {

    @Test
    @SuppressWarnings("unchecked")
    void namesPastTheCapShareOneEntry() {
        ActionTracker tracker = new ActionTracker();
        tracker.start(Map.of());
        for (int i = 0; i < ActionTracker.MAX_ACTIONS + 500; i++) {
            tracker.call("calc.random_" + i, 1_000);
        }
        tracker.call("calc.random_0", 1_000); // a name counted apart stays apart
        List<Map<String, Object>> history = tracker.stop(Map.of());
        Map<String, Object> calls = (Map<String, Object>) history.get(history.size() - 1).get("actions_calls");
        System.out.println("distinct entries: " + calls.size());
        assertThat(calls).hasSize(ActionTracker.MAX_ACTIONS + 1).containsKey(ActionTracker.OTHER_ACTIONS);
        assertThat((Map<String, Object>) calls.get(ActionTracker.OTHER_ACTIONS)).containsEntry("count", 500L);
        assertThat((Map<String, Object>) calls.get("calc.random_0")).containsEntry("count", 2L);
    }
}
