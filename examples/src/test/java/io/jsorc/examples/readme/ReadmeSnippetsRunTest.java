package io.jsorc.examples.readme;

import io.jsorc.services.task.TaskResult;
import io.jsorc.services.task.TaskStatus;
import io.jsorc.test.JsOrcConfig;
import io.jsorc.test.JsOrcTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the README's statement blocks (their snippet classes, next to this test) on an orchestrator of the examples'
 * components, with an isolated in-memory config store (no Redis needed, none touched). The elastic block is only
 * compiled: it needs an Elasticsearch or OpenSearch.
 */
@JsOrcTest(scanPackages = "io.jsorc.examples")
class ReadmeSnippetsRunTest {

    @Test
    void quickStart() {
        assertThat(QuickStartSnippet.run()).containsExactly("Hello, world!", "Hi, you!");
    }

    @Test
    @JsOrcConfig(key = "TASK_CONFIG", json = "{\"enabled\": true, \"backend\": \"memory\"}")
    void tasks() throws InterruptedException {
        TaskResult done = TaskSnippet.run();
        assertThat(done.status()).isEqualTo(TaskStatus.SUCCESS);
        assertThat(done.result()).isEqualTo("resized cat.png");
    }

    @Test
    void actions() throws InterruptedException {
        assertThat(ActionsSnippet.run()).isEqualTo(5);
    }
}
