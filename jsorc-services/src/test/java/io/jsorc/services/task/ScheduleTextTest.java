package io.jsorc.services.task;

import io.jsorc.base.Json;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A schedule is stored as the same text whatever order its arguments came in, so a re-declaration changes nothing. */
class ScheduleTextTest {

    @Test
    void theSameArgumentsInAnotherOrderMakeTheSameStoredTextAndJsonNullsAreKept() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1);
        inner.put("a", 2);
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("b", inner);
        ab.put("a", "x");
        ab.put("n", null);
        Map<String, Object> innerReversed = new LinkedHashMap<>();
        innerReversed.put("a", 2);
        innerReversed.put("z", 1);
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("n", null);
        ba.put("a", "x");
        ba.put("b", innerReversed);
        Schedule first = Schedule.every("report", "mail", ab, 1, "days");
        Schedule second = Schedule.every("report", "mail", ba, 1, "days");
        assertThat(Json.write(first.toMap())).isEqualTo(Json.write(second.toMap()));
        assertThat(first.args()).containsEntry("n", null);
        assertThat(Schedule.fromMap(Json.parseObject(Json.write(first.toMap()), "t"))).isEqualTo(first);
    }
}
