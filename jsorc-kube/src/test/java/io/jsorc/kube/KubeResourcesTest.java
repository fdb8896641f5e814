package io.jsorc.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where kinds live: the built-in table, API discovery, and a guessed plural while discovery fails, with discovery
 * retried after a failure no more often than its interval.
 */
class KubeResourcesTest {

    private static final Duration RETRY = Duration.ofSeconds(2);

    @Test
    void aFailedDiscoveryIsRetriedOnlyAfterItsIntervalAndKindsMeanwhileGetAGuessedPath() throws Exception {
        try (KubeTestServer server = new KubeTestServer()) {
            ApiClient client = new ClientBuilder().setBasePath(server.basePath()).build();
            client.setConnectTimeout(500);
            client.setReadTimeout(1000);
            KubeResources resources = new KubeResources(client, RETRY);
            assertThat(resources.resource("apps/v1", "Deployment")).as("the built-in table needs no discovery")
                    .isEqualTo(new KubeResources.Resource("deployments", true));

            server.stop();
            long failedAt = System.nanoTime();
            assertThat(resources.resource("example.com/v1", "Policy")).as("guessed while discovery fails")
                    .isEqualTo(new KubeResources.Resource("policies", true));
            server.restart();
            long restarted = System.nanoTime();
            resources.resource("example.com/v1", "Gadget");
            long asked = System.nanoTime();
            if (asked - failedAt < RETRY.toNanos()) { // a stalled machine may have passed the interval already
                assertThat(discoveryRequests(server, restarted)).as("no discovery within the interval").isEmpty();
            }

            Thread.sleep(RETRY.toMillis() + 200);
            resources.resource("example.com/v1", "Gadget");
            assertThat(discoveryRequests(server, restarted)).as("discovery again once the interval passed")
                    .isNotEmpty();
            System.out.printf("discovery requests after the interval: %s%n", discoveryRequests(server, restarted)
                    .stream().map(RecordingDispatcher.Request::path).toList());
        }
    }

    private static List<RecordingDispatcher.Request> discoveryRequests(KubeTestServer server, long since) {
        return server.requests(r -> r.nanos() - since >= 0 && (r.path().equals("/api") || r.path().equals("/apis")
                || r.path().startsWith("/api?") || r.path().startsWith("/apis?")));
    }
}
