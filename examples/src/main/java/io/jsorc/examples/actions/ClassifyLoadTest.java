package io.jsorc.examples.actions;

import io.jsorc.action.ActionConfig;
import io.jsorc.action.ActionManager;
import io.jsorc.admin.LoadTest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The examples' load test for the admin API's {@code jsorc_loadtest} ({@code jsorc loadtest classify -policy
 * Evaluation}): the three modules of {@link LoadTest}, driven by two client threads, each request marked
 * {@code walker_run/classify}.
 */
public final class ClassifyLoadTest implements LoadTest {

    private static final Map<String, Long> MEMORY = Map.of("tokenizer", 50L, "embedder", 500L, "ranker", 250L);

    /** Found by {@link java.util.ServiceLoader}. */
    public ClassifyLoadTest() {
    }

    @Override
    public String name() {
        return "classify";
    }

    @Override
    public Set<String> prepare(ActionManager actions) {
        actions.config("tokenizer", new ActionConfig(Tokenizer.class.getName(), null, MEMORY.get("tokenizer"),
                Map.of()));
        actions.config("embedder", new ActionConfig(Embedder.class.getName(), null, MEMORY.get("embedder"),
                Map.of()));
        actions.config("ranker", new ActionConfig(Ranker.class.getName(), null, MEMORY.get("ranker"), Map.of()));
        return MEMORY.keySet();
    }

    @Override
    public void drive(ActionManager actions, Instant deadline) throws InterruptedException {
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            Thread client = new Thread(() -> {
                while (Instant.now().isBefore(deadline) && !Thread.currentThread().isInterrupted()) {
                    io.jsorc.examples.actions.LoadTest.request(actions);
                }
            }, "loadtest-client-" + c);
            client.setDaemon(true);
            clients.add(client);
            client.start();
        }
        try {
            for (Thread client : clients) {
                client.join();
            }
        } finally {
            clients.forEach(Thread::interrupt);
        }
    }
}
