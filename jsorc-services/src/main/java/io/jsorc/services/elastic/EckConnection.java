package io.jsorc.services.elastic;

import io.jsorc.manifest.Manifest;
import io.jsorc.ComponentContext;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how to reach an Elasticsearch that an ECK ({@code elasticsearch.k8s.elastic.co}) {@code Elasticsearch}
 * resource in the service's manifest describes: ECK serves it at {@code https://<name>-es-http.<namespace>.svc:9200}
 * with a certificate signed by the CA in secret {@code <name>-es-http-certs-internal} ({@code ca.crt}), and keeps
 * the {@code elastic} user's password in secret {@code <name>-es-elastic-user}.
 *
 * @param name      the {@code Elasticsearch} resource's name
 * @param namespace its namespace, or {@code null} for the kube service's
 * @param url       the URL to use (the configured one wins over the derived one)
 * @param auth      the {@code Authorization} header (the configured one wins over the {@code elastic} user's)
 * @param ssl       trust for ECK's CA, or {@code null} when the URL is plain http
 */
record EckConnection(String name, String namespace, String url, String auth, SSLContext ssl) {

    static final String API_GROUP = "elasticsearch.k8s.elastic.co/";

    /**
     * Finds the ECK {@code Elasticsearch} resource in a service's manifest.
     *
     * @param manifest the service's manifest
     * @return its ECK {@code Elasticsearch} resource (the first), if it has one
     */
    static Optional<Map<String, Object>> resource(Manifest manifest) {
        return manifest.documents().stream()
                .filter(d -> "Elasticsearch".equals(d.get("kind")))
                .filter(d -> String.valueOf(d.get("apiVersion")).startsWith(API_GROUP))
                .findFirst();
    }

    /**
     * Reads the CA and the password from the cluster.
     *
     * @throws IllegalStateException naming the secret and what is missing in it (ECK creates them shortly after
     *                               the resource: the regeneration loop retries)
     */
    @SuppressWarnings("unchecked")
    static EckConnection resolve(Map<String, Object> resource, ComponentContext orchestrator, String configuredUrl,
            String configuredAuth) {
        Map<String, Object> metadata = (Map<String, Object>) resource.getOrDefault("metadata", Map.of());
        String name = (String) metadata.get("name");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("The Elasticsearch resource in ELASTIC_MANIFEST has no metadata.name");
        }
        String namespace = (String) metadata.get("namespace");
        String url = configuredUrl;
        if (url == null || url.isBlank()) {
            url = "https://" + name + "-es-http" + (namespace == null ? "" : "." + namespace + ".svc") + ":9200";
        }
        String auth = configuredAuth;
        if (auth == null || auth.isBlank()) {
            String password = new String(entry(orchestrator, namespace, name + "-es-elastic-user", "elastic"),
                    StandardCharsets.UTF_8);
            auth = "Basic " + Base64.getEncoder().encodeToString(("elastic:" + password)
                    .getBytes(StandardCharsets.UTF_8));
        }
        SSLContext ssl = null;
        if (url.startsWith("https:")) {
            ssl = trusting(entry(orchestrator, namespace, name + "-es-http-certs-internal", "ca.crt"),
                    name + "-es-http-certs-internal");
        }
        return new EckConnection(name, namespace, url, auth, ssl);
    }

    private static byte[] entry(ComponentContext orchestrator, String namespace, String secret, String key) {
        Map<String, byte[]> data = orchestrator.readSecret(namespace, secret).orElseThrow(() ->
                new IllegalStateException("Secret " + secret + " does not exist (yet) in namespace "
                        + (namespace == null ? "(the kube service's)" : namespace) + "; ECK creates it for the "
                        + "Elasticsearch resource"));
        byte[] value = data.get(key);
        if (value == null || value.length == 0) {
            throw new IllegalStateException("Secret " + secret + " has no '" + key + "' entry; it has "
                    + data.keySet());
        }
        return value;
    }

    /**
     * Builds an SSL context that trusts the given certificates and nothing else.
     *
     * @param pem one or more PEM certificates
     * @return an SSL context that trusts exactly them
     */
    static SSLContext trusting(byte[] pem, String source) {
        try {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem));
            if (certificates.isEmpty()) {
                throw new IllegalStateException(source + " holds no certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("The CA in " + source + " is not a readable PEM certificate: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "EckConnection[" + name + " at " + url + "]"; // never the auth header
    }
}
