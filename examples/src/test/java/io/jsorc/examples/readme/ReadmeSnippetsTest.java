package io.jsorc.examples.readme;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Java block of README.md comes from a file that this build compiles: the snippet classes next to this test
 * (run by {@link ReadmeSnippetsRunTest}) or the consumer project under {@code examples/src/readme/consumer} (built and
 * tested by {@link FreshProjectTest}). A block that drifts from its file, or a Java block without a marker, fails here.
 */
class ReadmeSnippetsTest {

    @Test
    void everyJavaBlockHasASnippetMarker() {
        List<String> unmarked = new ArrayList<>();
        for (Snippets.Block block : Snippets.readmeBlocks()) {
            if (block.language().equals("java") && block.path() == null) {
                unmarked.add("README.md:" + block.line());
            }
        }
        assertThat(unmarked).as("```java blocks without a <!-- snippet: path[#tag] --> line before them").isEmpty();
    }

    @Test
    void everyMarkedBlockEqualsItsSnippet() {
        List<Snippets.Block> marked = Snippets.readmeBlocks().stream().filter(b -> b.path() != null).toList();
        assertThat(marked).hasSizeGreaterThanOrEqualTo(8);
        for (Snippets.Block block : marked) {
            assertThat(block.text())
                    .as("README.md:%d must equal %s (edit both)", block.line(), block.source())
                    .isEqualTo(Snippets.expected(block));
        }
    }
}
