package io.jsorc.bench.app;

import io.jsorc.CommonService;
import io.jsorc.Service;

/** The "real app"'s first service: a greeting built from its config ({@code GREETER_CONFIG}). */
@Service(name = "greeter")
public class GreeterService extends CommonService<String> {

    /**
     * The config, flags removed.
     *
     * @param greeting the greeting
     * @param name     who is greeted
     */
    public record Config(String greeting, String name) { }

    /** Built by the orchestrator. */
    public GreeterService() {
    }

    @Override
    protected String run() {
        Config c = config(Config.class);
        return c.greeting() + ", " + c.name() + "!";
    }
}
