package io.jsorc.kube;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.jsorc.manifest.Manifest;
import io.jsorc.Orchestrator;
import io.jsorc.services.elastic.ElasticService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The elastic service with an ECK {@code Elasticsearch} resource in its manifest: the password and the CA come from
 * the secrets ECK makes (in a real Kubernetes API, fabric8's CRUD server), and are good enough to reach an HTTPS
 * endpoint whose certificate only that CA vouches for and which refuses any other credentials. No operator runs
 * here, so the HTTPS endpoint is a small stand-in answering the few calls the service makes.
 */
class EckElasticTest {

    private static final String PASSWORD = "s3cr3t-from-eck";
    private static final String MANIFEST = """
            apiVersion: elasticsearch.k8s.elastic.co/v1
            kind: Elasticsearch
            metadata:
              name: quickstart
              namespace: search
            spec:
              version: 8.15.0
              nodeSets:
              - name: default
                count: 1
            """;

    @TempDir
    Path dir;
    private KubeTestServer kube;
    private HttpsServer elastic;
    private final AtomicInteger bulkDocuments = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        kube = new KubeTestServer();
    }

    @AfterEach
    void stop() {
        if (elastic != null) {
            elastic.stop(0);
        }
        kube.close();
    }

    private Orchestrator orchestrator(String url) {
        return Orchestrator.builder()
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("KUBE_CONFIG", kube.kubeConfig("jsorc"))
                .config("ELASTIC_CONFIG", "{\"enabled\": true, \"url\": \"" + url + "\", \"auth\": \"\", "
                        + "\"common_index\": \"c\", \"activity_index\": \"a\", \"core_log_index\": \"core\", "
                        + "\"app_log_index\": \"app\", \"batch_size\": 10, \"flush_ms\": 50, \"timeout_ms\": 2000}")
                .config("ELASTIC_MANIFEST", Manifest.parseYaml(MANIFEST).toJson())
                .build();
    }

    @Test
    void passwordAndCaComeFromEcksSecrets() throws Exception {
        byte[] caPem = startHttpsElastic();
        String url = "https://127.0.0.1:" + elastic.getAddress().getPort();

        try (Orchestrator before = orchestrator(url)) {
            // ECK has not made its secrets yet: the service fails naming the one it waits for (and is retried).
            ElasticService waiting = before.svc("elastic", ElasticService.class);
            assertThat(waiting.hasFailed()).isTrue();
            assertThat(waiting.error()).hasMessageContaining("Secret quickstart-es-elastic-user does not exist (yet) "
                    + "in namespace search");
        }

        kube.create("/api/v1/namespaces/search/secrets", secret("quickstart-es-elastic-user",
                Map.of("elastic", PASSWORD.getBytes(StandardCharsets.UTF_8))));
        kube.create("/api/v1/namespaces/search/secrets", secret("quickstart-es-http-certs-internal",
                Map.of("ca.crt", caPem, "tls.crt", caPem)));

        try (Orchestrator o = orchestrator(url)) {
            ElasticService service = o.svc("elastic", ElasticService.class);
            assertThat(service.isRunning()).as(String.valueOf(service.error())).isTrue();
            assertThat(service.app().url()).isEqualTo(url);
            assertThat(service.lifecycle()).containsEntry("policy", "created").containsEntry("template", "created");
            assertThat(service.healthy()).isTrue();
            service.log("INFO", "eck", "over TLS", null);
            assertThat(service.flush(Duration.ofSeconds(20))).isTrue();
            assertThat(bulkDocuments.get()).isGreaterThanOrEqualTo(1);
            assertThat(refused.get()).isZero();
        }

        try (Orchestrator derived = orchestrator("")) {
            // Without a configured URL, ECK's service name: not resolvable outside a cluster, but named.
            ElasticService service = derived.svc("elastic", ElasticService.class);
            assertThat(service.hasFailed()).isTrue();
            assertThat(service.error()).hasMessageContaining("https://quickstart-es-http.search.svc:9200");
        }
    }

    @Test
    void aCaThatDidNotSignTheServerIsRefused() throws Exception {
        startHttpsElastic();
        byte[] otherCa = keyPair("other").pem();
        kube.create("/api/v1/namespaces/search/secrets", secret("quickstart-es-elastic-user",
                Map.of("elastic", PASSWORD.getBytes(StandardCharsets.UTF_8))));
        kube.create("/api/v1/namespaces/search/secrets", secret("quickstart-es-http-certs-internal",
                Map.of("ca.crt", otherCa)));
        try (Orchestrator o = orchestrator("https://127.0.0.1:" + elastic.getAddress().getPort())) {
            ElasticService service = o.svc("elastic", ElasticService.class);
            assertThat(service.hasFailed()).isTrue();
            assertThat(service.error()).hasMessageContaining("SSLHandshakeException");
        }
    }

    private static Map<String, Object> secret(String name, Map<String, byte[]> data) {
        Map<String, Object> encoded = new java.util.LinkedHashMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v)));
        return Map.of("apiVersion", "v1", "kind", "Secret", "metadata", Map.of("name", name, "namespace", "search"),
                "type", "Opaque", "data", encoded);
    }

    private record KeyPair(Path keystore, byte[] pem) { }

    /** A self-signed key pair for 127.0.0.1 made by the JDK's keytool: its certificate is its own CA. */
    private KeyPair keyPair(String alias) throws Exception {
        Path keystore = dir.resolve(alias + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + alias, "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit"));
        Path pem = dir.resolve(alias + ".pem");
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", alias, "-keystore", keystore.toString(),
                "-storepass", "changeit", "-file", pem.toString()));
        return new KeyPair(keystore, Files.readAllBytes(pem));
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    /** Starts the HTTPS stand-in; returns its CA (its own certificate) in PEM. */
    private byte[] startHttpsElastic() throws Exception {
        KeyPair pair = keyPair("quickstart");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(pair.keystore().toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(keys.getKeyManagers(), null, null);
        elastic = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        elastic.setHttpsConfigurator(new HttpsConfigurator(ssl));
        String expected = "Basic " + Base64.getEncoder().encodeToString(("elastic:" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        elastic.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = 200;
            String answer;
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                status = 401;
                answer = "{\"error\":{\"type\":\"security_exception\",\"reason\":\"unable to authenticate\"}}";
            } else if (path.equals("/")) {
                answer = "{\"version\":{\"number\":\"8.15.0\",\"build_flavor\":\"default\"}}";
            } else if (path.equals("/_cluster/health")) {
                answer = "{\"status\":\"green\"}";
            } else if (path.equals("/_bulk")) {
                bulkDocuments.addAndGet((int) body.lines().filter(l -> !l.isBlank()).count() / 2);
                answer = "{\"errors\":false}";
            } else if (method.equals("GET")) {
                status = 404;
                answer = "{\"error\":{\"type\":\"resource_not_found_exception\",\"reason\":\"missing\"}}";
            } else {
                answer = "{\"acknowledged\":true}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        elastic.start();
        return pair.pem();
    }
}
