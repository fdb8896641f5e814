package io.jsorc.base;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing config text: one JSON value, and errors that say where without repeating what may be a secret. */
class JsonTest {

    @Test
    void textAfterTheValueIsRefusedNotDropped() {
        assertThatThrownBy(() -> Json.parseObject("{\"a\": 1}, \"b\": 2}", "config X_CONFIG"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("config X_CONFIG is not valid JSON at line 1, column ")
                .hasMessageEndingWith(": text follows its value; one JSON value is allowed");
        assertThatThrownBy(() -> Json.parseValue("1 2", "value of X_CONFIG.n"))
                .hasMessageContaining("text follows its value");
        // White space around the value is not text.
        assertThat(Json.parseObject(" {\"a\": [1, true]}\n\t ", "t")).isEqualTo(Map.of("a", List.of(1, true)));
    }

    @Test
    void parseErrorsNameThePositionButNotTheInput() {
        assertThatThrownBy(() -> Json.parseValue("hunter2", "value of DB_CONFIG.password"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("value of DB_CONFIG.password is not valid JSON at line 1, column")
                .hasMessageContaining("Unrecognized token '…'")
                .hasMessageContaining("'null', 'true' or 'false'") // what is allowed stays
                .message().doesNotContain("hunter2");
        assertThatThrownBy(() -> Json.parseObject("{\"password\": s3cret-value}", "config DB_CONFIG"))
                .message().doesNotContain("s3cret");
        assertThatThrownBy(() -> Json.parseObject("[\"token-abcdef\"]", "config DB_CONFIG"))
                .hasMessage("config DB_CONFIG must be a JSON object, but is a JSON array");
    }

    @Test
    void jacksonsQuotedInputIsDroppedFromMessages() {
        assertThat(Json.withoutInput("Numeric value (123456789012345678901234567890) out of range of int"))
                .isEqualTo("Numeric value out of range of int");
        assertThat(Json.withoutInput("Unexpected character ('h' (code 104)): was expecting double-quote"))
                .isEqualTo("Unexpected character ('h' (code 104)): was expecting double-quote");
        assertThat(Json.withoutInput(null)).isEmpty();
    }
}
