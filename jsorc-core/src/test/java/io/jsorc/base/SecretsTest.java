package io.jsorc.base;

import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import io.jsorc.Service;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

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
