package io.jsorc.examples;

import io.jsorc.base.Json;
import io.jsorc.examples.actions.LoadTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A short load test under every policy (remote modules run as child JVMs). */
class LoadTestTest {

    @Test
    void everyPolicyWritesItsResults(@TempDir Path out) throws Exception {
        System.setProperty("loadtest.seconds", "4");
        System.setProperty("loadtest.out", out.toString());
        try {
            LoadTest.main(new String[0]);
        } finally {
            System.clearProperty("loadtest.seconds");
            System.clearProperty("loadtest.out");
        }
        for (String policy : new String[]{"all_local", "all_remote", "Evaluation", "Adaptive"}) {
            Map<String, Object> result = Json.parseObject(Files.readString(out.resolve(policy + ".json")), policy);
            @SuppressWarnings("unchecked")
            Map<String, Object> requests = (Map<String, Object>) result.get("requests");
            assertThat(((Number) requests.get("count")).longValue()).as(policy).isPositive();
            assertThat(requests).containsKeys("throughput", "average", "50", "90", "95", "99");
            assertThat(result.get("tracking").toString()).contains("actions_calls").contains("embedder.embed");
            assertThat(Files.readString(out.resolve(policy + ".md"))).contains("# Load test: " + policy);
        }
        assertThat(Files.readString(out.resolve("all_remote.json"))).contains("REMOTE");
    }
}
