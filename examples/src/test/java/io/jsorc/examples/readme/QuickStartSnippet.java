package io.jsorc.examples.readme;

// tag::use[]
import io.jsorc.JsOrc;
// end::use[]

/** The README's quick-start statements (the service is examples' GreeterService, the same as the README's). */
final class QuickStartSnippet {

    private QuickStartSnippet() {
    }

    static String[] run() {
        // tag::use[]
        String hello = (String) JsOrc.svc("greeter").poke();   // built and started on first use, exactly once
        JsOrc.serviceConfigSet("greeter", "{\"greeting\": \"Hi\", \"name\": \"you\"}"); // merged over the default
        // end::use[]
        return new String[] {hello, (String) JsOrc.svc("greeter").poke()};
    }
}
