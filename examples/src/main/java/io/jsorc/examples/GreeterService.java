package io.jsorc.examples;

import io.jsorc.CommonService;
import io.jsorc.Service;

/** A config-driven service: its app is a greeting built from {@code greeting} and {@code name}. */
@Service(name = "greeter")
public class GreeterService extends CommonService<String> {

    /** The config, bound with Jackson. */
    public record Config(String greeting, String name) { }

    @Override
    protected String run() {
        Config config = config(Config.class);
        return config.greeting() + ", " + config.name() + "!";
    }
}
