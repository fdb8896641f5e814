package io.jsorc.examples.readme;

// tag::task[]
import io.jsorc.JsOrc;
import io.jsorc.services.task.TaskResult;
import io.jsorc.services.task.TaskService;

import java.time.Duration;
import java.util.Map;
// end::task[]

/** The README's task example. */
final class TaskSnippet {

    private TaskSnippet() {
    }

    static TaskResult run() throws InterruptedException {
        // tag::task[]
        TaskService tasks = JsOrc.svc("task", TaskService.class);
        tasks.register("resize", args -> "resized " + args.get("image"));  // or @Task("resize") on a method
        String id = tasks.submit("resize", Map.of("image", "cat.png"));    // queued; a worker runs it
        TaskResult done = tasks.await(id, Duration.ofSeconds(10));          // done, or where it stands at the timeout
        System.out.println(done.status() + ": " + done.result());           // SUCCESS: resized cat.png
        // end::task[]
        return done;
    }
}
