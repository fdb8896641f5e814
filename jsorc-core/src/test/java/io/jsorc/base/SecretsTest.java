package io.jsorc.base;

import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import io.jsorc.Service;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Secrets never reach info(), a log line or a shipped document: by name, by declaration, or inside URLs. */
class SecretsTest {

    @Test
    void moreNamesCountAsSecret() {
        for (String name : List.of("auth", "Authorization", "credentials", "cookie", "Set-Cookie", "session_id", "pwd",
                "bearer", "ELASTIC_AUTH")) {
            assertThat(Secrets.isSecret(name)).as(name).isTrue();
        }
        assertThat(Secrets.isSecret("host")).isFalse();
    }

    @Test
    void urlsKeepNoUserInfoAndNoQueryString() {
        assertThat(Secrets.maskText("redis://admin:s3cret@redis.corp:6379/0"))
                .isEqualTo("redis://****@redis.corp:6379/0").doesNotContain("s3cret");
        assertThat(Secrets.maskText("https://es:9200/_bulk?token=abc&x=1#frag"))
                .isEqualTo("https://es:9200/_bulk?****#frag");
        assertThat(Secrets.maskText("/user/login?token=abc")).isEqualTo("/user/login?****");
        assertThat(Secrets.maskText("no url here, who? me")).isEqualTo("no url here, who? me");
        assertThat(Secrets.mask(Map.of("url", "http://u:p@h/", "nested", Map.of("list", List.of("http://a:b@c")))))
                .isEqualTo(Map.of("url", "http://****@h/", "nested", Map.of("list", List.of("http://****@c"))));
    }

    @Test
    void aPasswordHoldingAnAtOrASlashIsMaskedWhole() {
        assertThat(Secrets.maskText("redis://user:p@ss@host:6379")).isEqualTo("redis://****@host:6379");
        assertThat(Secrets.maskText("redis://u:ab/cd@host failed")).isEqualTo("redis://****@host failed");
        // Two URLs on a line: each is masked on its own.
        assertThat(Secrets.maskText("a://u:p@h1 b://v:q@h2")).isEqualTo("a://****@h1 b://****@h2");
    }

    @Test
    void aMaskedFailureKeepsClassStackAndCausesButNoPassword() {
        IllegalStateException cause = new IllegalStateException("inner redis://u:pw1@db");
        RuntimeException failure = new RuntimeException("cannot connect to redis://app:S3cretPw@db:6379", cause);
        Throwable masked = Secrets.masked(failure);
        assertThat(masked).hasToString("java.lang.RuntimeException: cannot connect to redis://****@db:6379")
                .hasMessage("cannot connect to redis://****@db:6379");
        assertThat(masked.getStackTrace()).isEqualTo(failure.getStackTrace());
        assertThat(masked.getCause()).hasToString("java.lang.IllegalStateException: inner redis://****@db");
        java.io.StringWriter printed = new java.io.StringWriter();
        masked.printStackTrace(new java.io.PrintWriter(printed));
        assertThat(printed.toString()).contains("Caused by: java.lang.IllegalStateException")
                .doesNotContain("S3cretPw").doesNotContain("pw1");
        assertThat(Secrets.masked(null)).isNull();
    }

    /** A service whose failure message carries a URL with its password, as a driver's often does. */
    @Service(name = "leaky", config = "SIMPLE_CONFIG")
    public static class Leaky extends CommonService<String> {
        @Override
        protected String run() {
            throw new IllegalStateException("cannot connect to redis://app:S3cretPw@db:6379");
        }
    }

    @Test
    void aFailuresUrlPasswordReachesNeitherPokeNorTheRegenerationReport() {
        try (Orchestrator o = Orchestrator.builder().scanPackages().register(Leaky.class)
                .config("SIMPLE_CONFIG", "{\"enabled\": true, \"automated\": true}").build()) {
            CommonService<?> leaky = o.svc("leaky");
            assertThat(leaky.hasFailed()).isTrue();
            assertThatThrownBy(leaky::poke).hasMessageContaining("cannot connect to redis://****@db:6379")
                    .message().doesNotContain("S3cretPw");
            io.jsorc.regen.RegenerationReport.Entry entry = o.regenerate().entry("leaky").orElseThrow();
            assertThat(entry.detail()).contains("redis://****@db:6379").doesNotContain("S3cretPw");
        }
    }

    @Test
    void declaredFieldsAreMaskedWhateverTheyAreCalled() {
        assertThat(Secrets.mask(Map.of("dsn", "x", "inner", Map.of("dsn", "y")), Set.of("dsn")))
                .isEqualTo(Map.of("dsn", Secrets.MASK, "inner", Map.of("dsn", Secrets.MASK)));
    }

    /** A service that declares a field secret whose name does not look secret. */
    @Service(name = "declared", config = "SIMPLE_CONFIG", secrets = {"dsn"})
    public static class Declared extends CommonService<String> {
        @Override
        protected String run() {
            return "ok";
        }
    }

    @Test
    void infoMasksWhatTheServiceDeclares() {
        try (Orchestrator o = Orchestrator.builder().scanPackages().register(Declared.class)
                .config("SIMPLE_CONFIG", "{\"enabled\": true, \"dsn\": \"db://u:pw@h\", \"auth\": \"Basic x\", "
                        + "\"url\": \"http://u:pw@h/?token=t\"}").build()) {
            Map<String, Object> info = o.svc("declared").info().config();
            assertThat(info).containsEntry("dsn", Secrets.MASK).containsEntry("auth", Secrets.MASK)
                    .containsEntry("url", "http://****@h/?****");
            assertThat(info.toString()).doesNotContain("pw").doesNotContain("Basic x").doesNotContain("token=t");
        }
    }
}
