package io.jsorc.bench.app.spring;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Spring's counterpart of {@link io.jsorc.bench.app.GreeterService}: a greeting from the environment. */
@Component
public class SpringGreeter {

    private final String greeting;

    /**
     * Builds the greeting.
     *
     * @param env the environment ({@code greeter.greeting}, {@code USER})
     */
    public SpringGreeter(Environment env) {
        this.greeting = env.getProperty("greeter.greeting", "Hello") + ", " + env.getProperty("USER", "world") + "!";
    }

    /** {@return the greeting} */
    public String greeting() {
        return greeting;
    }
}
