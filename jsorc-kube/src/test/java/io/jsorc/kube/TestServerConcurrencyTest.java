package io.jsorc.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ClientBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The leader election is only as good as the API server's optimistic concurrency, so this checks that the test API
 * server (fabric8's mock in CRUD mode) enforces it on Leases: an update carrying a stale {@code resourceVersion} is
 * refused with 409, and of many concurrent updates carrying the same version exactly one wins. (Checked with fabric8
 * 7.8.0: it does both, so the test kit needs no dispatcher wrapper; this test fails if a version bump changes that.)
 */
class TestServerConcurrencyTest {

    @Test
    void aLeaseUpdateWithAStaleResourceVersionIsRefusedWith409() throws Exception {
        try (KubeTestServer server = new KubeTestServer()) {
            CoordinationV1Api api = new CoordinationV1Api(client(server));
            V1Lease created = api.createNamespacedLease("ns", lease("a")).execute();
            String first = created.getMetadata().getResourceVersion();
            created.getSpec().holderIdentity("b");
            V1Lease updated = api.replaceNamespacedLease("l", "ns", created).execute();
            assertThat(updated.getMetadata().getResourceVersion()).isNotEqualTo(first);

            created.getMetadata().resourceVersion(first);
            created.getSpec().holderIdentity("c");
            ApiException conflict = null;
            try {
                api.replaceNamespacedLease("l", "ns", created).execute();
            } catch (ApiException e) {
                conflict = e;
            }
            assertThat(conflict).as("a stale resourceVersion must be refused").isNotNull();
            assertThat(conflict.getCode()).isEqualTo(409);
            assertThat(api.readNamespacedLease("l", "ns").execute().getSpec().getHolderIdentity()).isEqualTo("b");
        }
    }

    @Test
    void ofConcurrentUpdatesWithTheSameResourceVersionExactlyOneWins() throws Exception {
        try (KubeTestServer server = new KubeTestServer()) {
            CoordinationV1Api api = new CoordinationV1Api(client(server));
            V1Lease created = api.createNamespacedLease("ns", lease("a")).execute();
            String version = created.getMetadata().getResourceVersion();
            int writers = 16;
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            try {
                for (int i = 0; i < writers; i++) {
                    String holder = "w" + i;
                    results.add(pool.submit(() -> {
                        V1Lease mine = lease(holder);
                        mine.getMetadata().resourceVersion(version);
                        go.await();
                        try {
                            api.replaceNamespacedLease("l", "ns", mine).execute();
                            return 200;
                        } catch (ApiException e) {
                            return e.getCode();
                        }
                    }));
                }
                go.countDown();
                int ok = 0;
                int conflicts = 0;
                for (Future<Integer> result : results) {
                    int code = result.get(30, TimeUnit.SECONDS);
                    if (code == 200) {
                        ok++;
                    } else if (code == 409) {
                        conflicts++;
                    }
                }
                System.out.println("concurrent lease updates: " + ok + " won, " + conflicts + " got 409");
                assertThat(ok).isEqualTo(1);
                assertThat(conflicts).isEqualTo(writers - 1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static ApiClient client(KubeTestServer server) {
        return new ClientBuilder().setBasePath(server.basePath()).build();
    }

    private static V1Lease lease(String holder) {
        return new V1Lease().apiVersion("coordination.k8s.io/v1").kind("Lease")
                .metadata(new V1ObjectMeta().name("l").namespace("ns"))
                .spec(new V1LeaseSpec().holderIdentity(holder));
    }
}
