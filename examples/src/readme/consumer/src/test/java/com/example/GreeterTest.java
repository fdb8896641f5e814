package com.example;

import io.jsorc.JsOrc;
import io.jsorc.Orchestrator;
import io.jsorc.inject.Ctx;
import io.jsorc.inject.Svc;
import io.jsorc.test.JsOrcConfig;
import io.jsorc.test.JsOrcTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

@JsOrcTest(scanPackages = "com.example")
@JsOrcConfig(key = "GREETER_CONFIG", json = "{\"enabled\": true, \"greeting\": \"Hi\", \"name\": \"test\"}")
class GreeterTest {
    @Svc("greeter") GreeterService greeter;          // fields and parameters: @Svc, @Src, @Ctx, Orchestrator

    @Test
    void greets(@Ctx("visit") Visit visit, Orchestrator orchestrator) {
        assertEquals("Hi, test!", greeter.poke());
        assertNotNull(visit);
        assertEquals("RUNNING", orchestrator.svc("greeter").state().name());
    }

    @Test
    void takesNewConfig() {                          // JsOrc.* reaches this test's orchestrator
        JsOrc.serviceConfigSet("greeter", "{\"greeting\": \"Hey\", \"name\": \"you\"}");
        assertEquals("Hey, you!", JsOrc.svc("greeter").poke());
    }
}
