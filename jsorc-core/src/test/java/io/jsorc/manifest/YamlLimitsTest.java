package io.jsorc.manifest;

import io.jsorc.base.SafeYaml;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** YAML is read with limits: a tiny alias bomb or a huge document is refused with the limit named. */
class YamlLimitsTest {

    /** 48 aliases of collections in a few hundred bytes: nine-fold at every level, billions of nodes when expanded. */
    static String aliasBomb() {
        StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n");
        yaml.append("a: &a [l, l, l, l, l, l, l, l, l]\n");
        String previous = "a";
        for (String level : new String[]{"b", "c", "d", "e", "f"}) {
            yaml.append(level).append(": &").append(level).append(" [");
            for (int i = 0; i < 9; i++) {
                yaml.append(i == 0 ? "" : ", ").append('*').append(previous);
            }
            yaml.append("]\n");
            previous = level;
        }
        yaml.append("data: {x: [*f, *f, *f]}\n");
        return yaml.toString();
    }

    @Test
    void anAliasBombIsRefusedNamingTheLimit() {
        String bomb = aliasBomb();
        System.out.println("alias bomb: " + bomb.length() + " bytes");
        assertThat(bomb.length()).isLessThan(600);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                assertThatThrownBy(() -> Manifest.parseYaml(bomb)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("aliases").hasMessageContaining(SafeYaml.LIMITS));
    }

    @Test
    void aDocumentOverFourMebibytesIsRefusedNamingTheLimit() {
        String huge = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: huge}\ndata: {x: '"
                + "y".repeat(SafeYaml.MAX_CODE_POINTS + 10) + "'}\n";
        assertThatThrownBy(() -> Manifest.parseYaml(huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(SafeYaml.LIMITS);
    }

    @Test
    void anOrdinaryManifestWithAFewAliasesStillParses() {
        Manifest manifest = Manifest.parseYaml("""
                apiVersion: v1
                kind: Service
                metadata: {name: ok, labels: &labels {app: x}}
                spec: {selector: *labels}
                """);
        assertThat(manifest.document("Service", "ok").orElseThrow().toString()).contains("selector={app=x}");
    }
}
