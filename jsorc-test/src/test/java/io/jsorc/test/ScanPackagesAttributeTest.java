package io.jsorc.test;

import io.jsorc.Orchestrator;
import io.jsorc.registry.ComponentKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@JsOrcTest(scanPackages = "io.jsorc.test.nothing", start = false)
class ScanPackagesAttributeTest {

    @Test
    void theAttributeReplacesTheDefaultScan(Orchestrator orchestrator) {
        assertThat(orchestrator.registry().names(ComponentKind.SERVICE)).isEmpty();
        assertThat(orchestrator.registry().names(ComponentKind.REPOSITORY)).containsExactly("hook");
        assertThat(orchestrator.isStarted()).isFalse();
    }
}
