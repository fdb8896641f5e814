package io.jsorc.test;

import io.jsorc.CommonService;
import io.jsorc.JsOrc;
import io.jsorc.Orchestrator;
import io.jsorc.inject.Ctx;
import io.jsorc.inject.Src;
import io.jsorc.inject.Svc;
import io.jsorc.test.fixtures.Greeter;
import io.jsorc.test.fixtures.Notes;
import io.jsorc.test.fixtures.Visit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@JsOrcTest
@JsOrcConfig(key = "GREETER_CONFIG", json = "{\"enabled\": true, \"greeting\": \"from the class\"}")
class JsOrcExtensionTest {

    @Svc("greeter")
    Greeter greeterField;
    @Src("notes")
    Notes notesField;
    @Ctx("visit")
    Visit visitField;

    private static Orchestrator previousTestOrchestrator;

    @Test
    void fieldsAndParametersAreInjectedFromTheTestsOrchestrator(@Svc("greeter") Greeter greeter,
                                                               @Src("notes") Notes notes,
                                                               @Ctx("visit") Visit visit,
                                                               Orchestrator orchestrator) {
        assertThat(greeter).isSameAs(greeterField).isSameAs(orchestrator.svc("greeter"));
        assertThat(greeter.isRunning()).isTrue();
        assertThat(greeter.app()).isEqualTo("from the class");
        assertThat(notes).isNotNull().isNotSameAs(notesField);
        assertThat(visit).isNotNull().isNotSameAs(visitField);
        assertThat(JsOrc.orchestrator()).isSameAs(orchestrator);
        assertThat(orchestrator.isStarted()).isTrue();
        assertFresh(orchestrator);
    }

    @Test
    @JsOrcConfig(key = "GREETER_CONFIG", json = "{\"enabled\": true, \"greeting\": \"from the method\"}")
    @JsOrcConfig(key = "JSORC_CONFIG", json = "{\"backoff_interval\": 3, \"pre_loaded_services\": [\"greeter\"]}")
    void methodOverridesWinAndRepeat(@Svc("greeter") CommonService<?> greeter, Orchestrator orchestrator) {
        assertThat(greeter.app()).isEqualTo("from the method");
        assertThat(orchestrator.configGet("JSORC_CONFIG")).contains("\"backoff_interval\":3");
        assertFresh(orchestrator);
    }

    @Test
    void eachTestStartsFromTheDefaultsWhateverAnotherTestStored(Orchestrator orchestrator) {
        // Whichever of these runs first, the other must not see its configSet.
        assertThat(orchestrator.svc("greeter").app()).isEqualTo("from the class");
        orchestrator.serviceConfigSet("greeter", "{\"enabled\": true, \"greeting\": \"changed\"}");
        assertFresh(orchestrator);
    }

    @Test
    void isolationTwin(Orchestrator orchestrator) {
        assertThat(orchestrator.svc("greeter").app()).isEqualTo("from the class");
        orchestrator.serviceConfigSet("greeter", "{\"enabled\": true, \"greeting\": \"changed too\"}");
        assertFresh(orchestrator);
    }

    private static synchronized void assertFresh(Orchestrator orchestrator) {
        assertThat(orchestrator).isNotSameAs(previousTestOrchestrator);
        if (previousTestOrchestrator != null) {
            assertThat(previousTestOrchestrator.isClosed()).isTrue();
        }
        previousTestOrchestrator = orchestrator;
    }
}
